/**
 * The root key every purpose-bound key is derived from (`crypto/derive-key.ts`), wherever key
 * custody keeps it (`custody/key-custody.ts`): under a PKCS#11 token, sealed in
 * `<dataDir>/root-key.sealed` and opened only by the token; otherwise the master key — the
 * RAMPART_MASTER_KEY variable, else the key file in the data directory, created at first use.
 * The name stays `masterKey` for its callers: it is the key they derive from, whoever holds it.
 */
import { initialiseDataDirectory } from './adapters/fs/initialise-data-directory.js';
import { readMasterKeyFile } from './adapters/fs/master-key-file.js';
import type { RampartConfig } from './config.js';
import { readSealedRoot } from './custody/sealed-root-file.js';
import { tokenRootKey } from './custody/key-custody.js';
import type { Secret } from './domain/secret.js';

/**
 * The root key: opened by the token under token custody (a fresh deployment with a token gets
 * one), else RAMPART_MASTER_KEY, else the key file in the data directory (created if absent).
 * Throws, naming the token, when the keys are in a token's custody and it cannot be reached.
 */
export function masterKeyOf(config: RampartConfig): Secret<Buffer> {
  const underToken = tokenRootKey(config);
  if (underToken !== undefined) return underToken;
  if (config.masterKey !== undefined) return config.masterKey;
  initialiseDataDirectory(config);
  const key = readMasterKeyFile(config.dataDir);
  if (key === undefined) throw new Error('the master key file could not be created in RAMPART_DATA_DIR');
  return key;
}

/**
 * The root key if one exists already, never creating one (for commands that read what a
 * deployment holds: a backup, an audit export): the token's under token custody, else the
 * master key from the environment or the key file.
 */
export function existingMasterKeyOf(config: RampartConfig): Secret<Buffer> | undefined {
  if (readSealedRoot(config.dataDir) !== undefined) return tokenRootKey(config);
  return config.masterKey ?? readMasterKeyFile(config.dataDir);
}
