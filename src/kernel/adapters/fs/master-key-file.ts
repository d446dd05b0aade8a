/**
 * The key-encryption key when RAMPART_MASTER_KEY is not set: 32 random bytes, base64, in
 * `<dataDir>/master.key`, mode 0600. A key file beside the database it protects is weaker than
 * a key from the environment or a hardware token, and `doctor` says so.
 */
import { randomKey } from '../../crypto/random.js';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from '../../domain/secret.js';

export const MASTER_KEY_FILE = 'master.key';

export type MasterKeySource = 'environment' | 'file' | 'absent';

export function masterKeyPath(dataDir: string): string {
  return join(dataDir, MASTER_KEY_FILE);
}

/** Reads the key file; throws when it is not exactly 32 base64 bytes. `undefined` when absent. */
export function readMasterKeyFile(dataDir: string): Secret<Buffer> | undefined {
  const path = masterKeyPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32) throw new Error(`${path} does not hold a base64 32-byte key`);
  return new Secret(bytes);
}

/** Creates the key file (0600, exclusive) unless it exists; returns whether it was created. */
export function ensureMasterKeyFile(dataDir: string): boolean {
  const path = masterKeyPath(dataDir);
  try {
    statSync(path);
    return false;
  } catch {
    writeFileSync(path, `${randomKey(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  }
}
