/**
 * Secrets of an org (test/fixtures/spec-api-v1.md, "Secrets"): named values with versions. Only ciphertext is
 * stored; these are the shapes and limits every backend and the API share.
 */

/** Secret names: letters, digits, `_`, `.` and `-`, 1 to 128 characters (no separator a path or the AAD could confuse). */
export const SECRET_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,128}$';
const NAME = new RegExp(SECRET_NAME_PATTERN);

/** The largest secret value, in UTF-8 bytes (64 KiB): secrets are credentials, not files. */
export const SECRET_VALUE_MAX_BYTES = 64 * 1024;

export function isSecretName(value: string): boolean {
  return NAME.test(value) && value !== '.' && value !== '..';
}

/** What may be listed about a secret: never its value. */
export interface SecretSummary {
  readonly name: string;
  /** The newest version. */
  readonly version: number;
  /** Versions below it are refused by `reveal` (Vault KV `min_decryption_version`). */
  readonly minDecryptionVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One stored version: its ciphertext (`rampart:v1:<data key id>:…`) and the data key it names. */
export interface SecretVersionRecord {
  readonly name: string;
  readonly version: number;
  readonly dataKeyId: string;
  readonly ciphertext: string;
  readonly createdAt: number;
}

/** A key-encryption key as the database knows it (its material lives elsewhere). */
export interface KekRecord {
  readonly id: string;
  readonly source: string;
  /** `active` wraps new data keys; `retiring` still unwraps until no data key refers to it; `retired`: gone. */
  readonly state: 'active' | 'retiring' | 'retired';
  readonly createdAt: number;
}

/** An org's data key, wrapped under a KEK. */
export interface DataKeyRecord {
  readonly id: string;
  readonly orgId: string;
  readonly kekId: string;
  /** The wrapped key: the KEK source's format, bound to org and key id. */
  readonly wrapped: string;
  /** `active` seals new values; `retired` only opens. */
  readonly state: 'active' | 'retired';
  /** Encryptions reserved so far (a reservation counts whether used or not). */
  readonly encryptions: number;
  readonly createdAt: number;
}
