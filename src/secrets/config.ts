/**
 * The secrets capability's variables: where the key-encryption key of the secrets' data keys lives
 * (`RAMPART_KEK_SOURCE`) and, for a PKCS#11 token, how to reach it (`RAMPART_PKCS11_*`). Listed on
 * the `secrets` capability (`secrets/index.ts`); their keys join the kernel's `RampartConfig` here
 * (declaration merging).
 */
import { filePath, optional, type ConfigVariable, type PartialConfig, type Raw } from '../kernel/config.js';
import { Secret } from '../kernel/domain/secret.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Where the secrets' key-encryption key lives: derived from the master key, or in a PKCS#11 token. */
    readonly kekSource: 'master-key' | 'pkcs11';
    /** The PKCS#11 module (shared library) path, with `kekSource` `pkcs11`. */
    readonly pkcs11Module: string | undefined;
    /** The label of the PKCS#11 token holding the KEK. */
    readonly pkcs11TokenLabel: string | undefined;
    /** The user PIN of that token. */
    readonly pkcs11Pin: Secret<string> | undefined;
    /** The label prefix of the KEK objects in the token (`<prefix>-<kek id>`). */
    readonly pkcs11KeyLabel: string;
  }
}

/** `parse`, which may leave the variable unset, except with `RAMPART_KEK_SOURCE=pkcs11` (parsed before it). */
function neededWithPkcs11<T>(parse: (raw: Raw, partial: PartialConfig) => T | undefined) {
  return (raw: Raw, partial: PartialConfig): T | undefined => {
    const value = parse(raw, partial);
    if (value === undefined && partial.kekSource === 'pkcs11') throw new Error('is required with RAMPART_KEK_SOURCE=pkcs11');
    return value;
  };
}

/**
 * The secrets variables, in README order. Each entry is the one place its variable is documented.
 * The order matters: the `RAMPART_PKCS11_*` parses read `kekSource`, so `RAMPART_KEK_SOURCE` comes first.
 */
export const SECRETS_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'kekSource',
    env: 'RAMPART_KEK_SOURCE',
    defaultText: 'master-key',
    description:
      "Where the key-encryption key of the secrets' data keys lives: `master-key` (derived from `RAMPART_MASTER_KEY` or the key file) or `pkcs11` (an AES key generated in, and never leaving, a PKCS#11 token; wrapping happens in the token).",
    parse: (raw) => {
      const value = raw?.trim() ?? '';
      if (value === '' || value === 'master-key') return 'master-key';
      if (value === 'pkcs11') return 'pkcs11';
      throw new Error('must be master-key or pkcs11');
    },
  },
  {
    key: 'pkcs11Module',
    env: 'RAMPART_PKCS11_MODULE',
    defaultText: 'unset',
    description: 'With `RAMPART_KEK_SOURCE=pkcs11`: the PKCS#11 module path (e.g. `/usr/lib/softhsm/libsofthsm2.so`).',
    parse: neededWithPkcs11(filePath),
  },
  {
    key: 'pkcs11TokenLabel',
    env: 'RAMPART_PKCS11_TOKEN_LABEL',
    defaultText: 'unset',
    description: 'With `RAMPART_KEK_SOURCE=pkcs11`: the label of the token that holds the KEK.',
    parse: neededWithPkcs11(
      optional((value) => {
        if (value.length > 32) throw new Error('must be at most 32 characters (a PKCS#11 token label)');
        return value;
      }),
    ),
  },
  {
    key: 'pkcs11Pin',
    env: 'RAMPART_PKCS11_PIN',
    defaultText: 'unset',
    description: "With `RAMPART_KEK_SOURCE=pkcs11`: the token's user PIN.",
    secret: true,
    // A PIN is taken as written: neither trimmed nor, when blank but not empty, taken for unset.
    parse: neededWithPkcs11((raw) => (raw === undefined || raw === '' ? undefined : new Secret(raw))),
  },
  {
    key: 'pkcs11KeyLabel',
    env: 'RAMPART_PKCS11_KEY_LABEL',
    defaultText: 'rampart-kek',
    description: 'Label prefix of the KEK objects Rampart creates in the token (`<prefix>-<kek id>`).',
    parse: (raw) => {
      const value = raw?.trim();
      if (value === undefined || value === '') return 'rampart-kek';
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new Error('must be 1-64 letters, digits, dots, dashes or underscores');
      return value;
    },
  },
];
