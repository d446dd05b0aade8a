/**
 * The data directory holds the embedded database and key files: 0700, and every file in it 0600.
 * `prepareDataDirectory` creates it that way, and refuses to go on when an existing one is open to
 * other users (fail closed: a world-readable key file is already a leak). `doctor` reports the
 * same findings without refusing.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ModeFinding {
  readonly path: string;
  readonly mode: number;
  readonly expected: number;
}

/** Paths under `dir` (itself included) whose mode grants anything to group or others. */
export function inspectDataDirectory(dir: string): ModeFinding[] {
  const findings: ModeFinding[] = [];
  const dirMode = statSync(dir).mode & 0o777;
  if ((dirMode & 0o077) !== 0) findings.push({ path: dir, mode: dirMode, expected: 0o700 });
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      findings.push(...inspectDataDirectory(path));
    } else if (entry.isFile()) {
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) !== 0) findings.push({ path, mode, expected: 0o600 });
    }
  }
  return findings;
}

export class DataDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirectoryError';
  }
}

/** Creates `dir` (0700) when missing; throws {@link DataDirectoryError} when it is open to others. */
export function prepareDataDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const findings = inspectDataDirectory(dir);
  if (findings.length > 0) {
    const list = findings.map((f) => `${f.path} is ${f.mode.toString(8).padStart(4, '0')}`).join(', ');
    throw new DataDirectoryError(`RAMPART_DATA_DIR: ${list}; expected directories 0700 and files 0600 (chmod -R go-rwx ${dir})`);
  }
}

/** Creates `path` empty with mode 0600 if it does not exist, so files derived from it inherit it. */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
