/**
 * Key custody (issue 22 item 3, docs/decisions/038-key-custody-and-key-age.md): every key Rampart
 * keeps is derived (`crypto/derive-key.ts`) from ONE root key, or wrapped by a key derived from
 * it, so where that root lives is where every key lives:
 *
 * - `master-key`: the root is the master key — RAMPART_MASTER_KEY, else `<dataDir>/master.key`;
 * - `token`: the root is 32 random bytes sealed by an AES key inside the PKCS#11 token
 *   (`token-root-key.ts`), kept only sealed, in `<dataDir>/root-key.sealed`; the master key is
 *   not needed and, when still set, not used.
 *
 * Which one applies is decided by what exists, never guessed twice: a sealed root means token
 * custody (and a start without the token fails closed, naming it); a fresh deployment (no master
 * key anywhere) with RAMPART_KEK_SOURCE=pkcs11 starts under token custody; otherwise the master
 * key. `rampart keys custody migrate` moves a master-key deployment to the token by sealing its
 * master key as the root: every derived key stays the same, so nothing stored is rewritten and a
 * crash at any step can be resumed.
 */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { sameKey } from '../crypto/derive-key.js';
import { randomKey } from '../crypto/random.js';
import { readMasterKeyFile, masterKeyPath } from '../adapters/fs/master-key-file.js';
import { prepareDataDirectory } from '../adapters/fs/data-directory.js';
import type { RampartConfig } from '../config.js';
import { Secret } from '../domain/secret.js';
import { readSealedRoot, sealedRootPath, writeSealedRoot, type SealedRoot } from './sealed-root-file.js';
import { openRootKey, sealRootKey, TokenCustodyError, type TokenOptions } from './token-root-key.js';

export { TokenCustodyError } from './token-root-key.js';

/** Where the root key lives, without opening it (for `doctor`, the key-age report and the CLI). */
export type Custody =
  | { readonly kind: 'master-key'; readonly source: 'environment' | 'file' | 'absent' }
  | { readonly kind: 'token'; readonly token: string; readonly createdAt: number };

/** The configuration custody reads: the data directory, the master key and the PKCS#11 variables. */
export type CustodyConfig = Pick<
  RampartConfig,
  'dataDir' | 'masterKey' | 'kekSource' | 'pkcs11Module' | 'pkcs11TokenLabel' | 'pkcs11Pin' | 'pkcs11KeyLabel'
>;

/** The token the configuration names (RAMPART_KEK_SOURCE=pkcs11 and RAMPART_PKCS11_*), if any. */
export function tokenOf(config: CustodyConfig): TokenOptions | undefined {
  if (config.kekSource !== 'pkcs11' || config.pkcs11Module === undefined || config.pkcs11TokenLabel === undefined) return undefined;
  if (config.pkcs11Pin === undefined) return undefined;
  return { module: config.pkcs11Module, tokenLabel: config.pkcs11TokenLabel, pin: config.pkcs11Pin, keyLabelPrefix: config.pkcs11KeyLabel };
}

function masterKeySource(config: CustodyConfig): 'environment' | 'file' | 'absent' {
  if (config.masterKey !== undefined) return 'environment';
  return existsSync(masterKeyPath(config.dataDir)) ? 'file' : 'absent';
}

/** Where the root key of `config` lives now (or will, at the first start). */
export function custodyOf(config: CustodyConfig): Custody {
  const sealed = readSealedRoot(config.dataDir);
  if (sealed !== undefined) return { kind: 'token', token: sealed.token, createdAt: sealed.createdAt };
  return { kind: 'master-key', source: masterKeySource(config) };
}

/** Whether a start of `config` with no root key yet makes one under the token (a fresh deployment with a token). */
export function startsUnderToken(config: CustodyConfig): boolean {
  return tokenOf(config) !== undefined && masterKeySource(config) === 'absent';
}

// Opened roots, by data directory and sealed form: the token is asked once per process.
const opened = new Map<string, Secret<Buffer>>();

function open(config: CustodyConfig, sealed: SealedRoot): Secret<Buffer> {
  // The configuration must name the token even when this process opened the root before.
  const token = tokenOf(config);
  if (token === undefined || token.tokenLabel !== sealed.token) {
    throw new TokenCustodyError(
      `every key is in the custody of PKCS#11 token ${sealed.token} (${sealedRootPath(config.dataDir)}): ` +
        `set RAMPART_KEK_SOURCE=pkcs11, RAMPART_PKCS11_MODULE, RAMPART_PKCS11_TOKEN_LABEL=${sealed.token} and RAMPART_PKCS11_PIN`,
    );
  }
  const cacheKey = `${config.dataDir}\u0000${sealed.sealed}`;
  const known = opened.get(cacheKey);
  if (known !== undefined) return known;
  const root = openRootKey({ ...token, keyLabelPrefix: sealed.key.replace(/-custody-root$/, '') }, sealed.sealed);
  opened.set(cacheKey, root);
  return root;
}

/**
 * The root key under token custody, or `undefined` under master-key custody. A fresh deployment
 * with a token gets its root here: 32 random bytes, sealed and written before first use.
 */
export function tokenRootKey(config: CustodyConfig, now: () => number = Date.now): Secret<Buffer> | undefined {
  const sealed = readSealedRoot(config.dataDir);
  if (sealed !== undefined) return open(config, sealed);
  const token = tokenOf(config);
  if (token === undefined || !startsUnderToken(config)) return undefined;
  prepareDataDirectory(config.dataDir);
  const root = new Secret(randomKey(32));
  writeSealedRoot(config.dataDir, {
    token: token.tokenLabel,
    key: `${token.keyLabelPrefix}-custody-root`,
    sealed: sealRootKey(token, root),
    createdAt: now(),
  });
  return open(config, readSealedRoot(config.dataDir) ?? fail(config));
}

function fail(config: CustodyConfig): never {
  throw new Error(`${sealedRootPath(config.dataDir)} could not be read back`);
}

/** What one run of {@link migrateToToken} did. */
export interface CustodyMigration {
  /** `sealed`: this run sealed the master key; `resumed`: an earlier run had, and it opens to the same key. */
  readonly step: 'sealed' | 'resumed';
  readonly token: string;
  /** Whether `<dataDir>/master.key` was removed by this run. */
  readonly keyFileRemoved: boolean;
}

/** Why a migration cannot run: the detail names what to fix, never a key. */
export class CustodyMigrationError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'CustodyMigrationError';
  }
}

/** The checks before {@link migrateToToken}: the token it needs and the master key it seals (throws naming what is missing). */
export function migrationInputs(config: CustodyConfig): { token: TokenOptions; masterKey: Secret<Buffer> } {
  const token = tokenOf(config);
  if (token === undefined)
    throw new CustodyMigrationError('no PKCS#11 token is configured: set RAMPART_KEK_SOURCE=pkcs11 and RAMPART_PKCS11_*');
  const masterKey = config.masterKey ?? readMasterKeyFile(config.dataDir);
  if (masterKey === undefined) {
    if (readSealedRoot(config.dataDir) !== undefined) throw new CustodyMigrationError('the keys are already in the custody of the token');
    throw new CustodyMigrationError('no master key to migrate: set RAMPART_MASTER_KEY or keep the key file in RAMPART_DATA_DIR');
  }
  return { token, masterKey };
}

/**
 * Moves master-key custody to the token: seals the master key as the root (so every derived key,
 * and everything stored under one, stays valid), reads it back through the token, and with
 * `removeKeyFile` deletes `master.key`. Resumable: a run after a crash finds the sealed root,
 * checks it opens to the same key, and goes on. Refuses a sealed root of another key.
 */
export function migrateToToken(
  config: CustodyConfig,
  options: { readonly removeKeyFile: boolean; readonly now: number },
): CustodyMigration {
  const { token, masterKey } = migrationInputs(config);
  let sealed = readSealedRoot(config.dataDir);
  const step = sealed === undefined ? 'sealed' : 'resumed';
  if (sealed === undefined) {
    sealed = {
      token: token.tokenLabel,
      key: `${token.keyLabelPrefix}-custody-root`,
      sealed: sealRootKey(token, masterKey),
      createdAt: options.now,
    };
    writeSealedRoot(config.dataDir, sealed);
  }
  const root = open(config, sealed);
  if (!sameKey(root, masterKey)) {
    throw new CustodyMigrationError(`${sealedRootPath(config.dataDir)} seals another key than this deployment's master key`);
  }
  let keyFileRemoved = false;
  if (options.removeKeyFile && existsSync(masterKeyPath(config.dataDir))) {
    removeFile(masterKeyPath(config.dataDir));
    keyFileRemoved = true;
  }
  return { step, token: token.tokenLabel, keyFileRemoved };
}

function removeFile(path: string): void {
  // Overwritten in place before unlinking, so the freed block does not keep the key on a disk
  // that writes in place (no promise on copy-on-write or flash: the ADR says so).
  writeFileSync(path, Buffer.alloc(statSync(path).size), { flag: 'r+' });
  rmSync(path);
}
