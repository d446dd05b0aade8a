/**
 * The root key's sealed form on disk: `<dataDir>/root-key.sealed`, mode 0600, JSON naming the
 * token and its custody key, the sealed bytes (base64url, opened only inside the token) and when
 * the root was made. Useless without the token, so a backup may hold it; it is written whole or
 * not at all (a temporary file renamed over it), so a crash leaves the previous state.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEALED_ROOT_FILE = 'root-key.sealed';

/** What the file holds. */
export interface SealedRoot {
  /** The label of the token that sealed it. */
  readonly token: string;
  /** The label of the custody key in that token. */
  readonly key: string;
  readonly sealed: string;
  /** When this root key was made or adopted (ms since the epoch): the root key's age. */
  readonly createdAt: number;
}

export function sealedRootPath(dataDir: string): string {
  return join(dataDir, SEALED_ROOT_FILE);
}

/** The sealed root of `dataDir`, `undefined` when there is none; throws naming the file when it is malformed. */
export function readSealedRoot(dataDir: string): SealedRoot | undefined {
  const path = sealedRootPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not a sealed root key`);
  }
  const record = parsed as Partial<Record<'version' | 'token' | 'key' | 'sealed' | 'created_at', unknown>>;
  const { token, key, sealed } = record;
  const createdAt = record.created_at;
  if (record.version !== 1 || typeof token !== 'string' || typeof key !== 'string' || typeof sealed !== 'string') {
    throw new Error(`${path} is not a sealed root key`);
  }
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt)) throw new Error(`${path} is not a sealed root key`);
  return { token, key, sealed, createdAt };
}

/** Writes the sealed root (0600), replacing any previous one atomically. */
export function writeSealedRoot(dataDir: string, root: SealedRoot): void {
  const path = sealedRootPath(dataDir);
  const temporary = `${path}.tmp`;
  rmSync(temporary, { force: true });
  const body = { version: 1, token: root.token, key: root.key, sealed: root.sealed, created_at: root.createdAt };
  writeFileSync(temporary, `${JSON.stringify(body)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}
