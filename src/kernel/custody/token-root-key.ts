/**
 * The root key under a PKCS#11 token (issue 22 item 3): the token holds one AES-256 key,
 * `<RAMPART_PKCS11_KEY_LABEL>-custody-root`, generated in it with CKA_SENSITIVE and
 * CKA_EXTRACTABLE=false; it seals and opens the 32-byte root key with CKM_AES_GCM (a fresh 96-bit
 * IV, 128-bit tag, the AAD `rampart/v1/custody-root`), inside the token. The sealed form is
 * base64url(IV ‖ ciphertext ‖ tag). The label cannot collide with the secrets' KEKs
 * (`<prefix>-kek_…`). Synchronous, like pkcs11js: a session is opened for one operation and closed.
 */
import * as pkcs11js from 'pkcs11js';
import { randomKey } from '../crypto/random.js';
import { secret, type Secret } from '../domain/secret.js';
import { acquirePkcs11, releasePkcs11 } from './pkcs11-library.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const AAD = Buffer.from('rampart/v1/custody-root', 'utf8');

/** How to reach the token. */
export interface TokenOptions {
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: Secret<string>;
  readonly keyLabelPrefix: string;
}

/** The token could not be opened, holds no custody key, or refused the sealed root (its detail names the token, never the PIN). */
export class TokenCustodyError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(what, options);
    this.name = 'TokenCustodyError';
  }
}

interface OpenToken {
  readonly pkcs11: pkcs11js.PKCS11;
  readonly session: Buffer;
}

function withToken<T>(options: TokenOptions, work: (token: OpenToken) => T): T {
  let pkcs11: pkcs11js.PKCS11;
  try {
    pkcs11 = acquirePkcs11(options.module);
  } catch (error) {
    throw new TokenCustodyError(`the PKCS#11 module ${options.module} could not be loaded`, { cause: error });
  }
  try {
    const slot = pkcs11.C_GetSlotList(true).find((candidate) => pkcs11.C_GetTokenInfo(candidate).label.trim() === options.tokenLabel);
    if (slot === undefined) throw new TokenCustodyError(`no PKCS#11 token labelled ${options.tokenLabel} is present`);
    const session = pkcs11.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
    try {
      try {
        pkcs11.C_Login(session, pkcs11js.CKU_USER, options.pin.reveal());
      } catch (error) {
        // Another session of this process (the secrets' KEK) may have logged the token in already.
        if (!(error instanceof pkcs11js.Pkcs11Error) || error.code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
          throw new TokenCustodyError(`the PKCS#11 token ${options.tokenLabel} refused the configured PIN`, { cause: error });
        }
      }
      return work({ pkcs11, session });
    } finally {
      pkcs11.C_CloseSession(session);
    }
  } catch (error) {
    if (error instanceof TokenCustodyError) throw error;
    throw new TokenCustodyError(`the PKCS#11 token ${options.tokenLabel} could not be used`, { cause: error });
  } finally {
    releasePkcs11(options.module);
  }
}

function label(options: TokenOptions): string {
  return `${options.keyLabelPrefix}-custody-root`;
}

function findKey({ pkcs11, session }: OpenToken, name: string): Buffer | undefined {
  pkcs11.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: name },
  ]);
  try {
    const found = pkcs11.C_FindObjects(session, 2);
    if (found.length > 1) throw new TokenCustodyError(`more than one token object is labelled ${name}`);
    return found[0];
  } finally {
    pkcs11.C_FindObjectsFinal(session);
  }
}

function generateKey({ pkcs11, session }: OpenToken, name: string): Buffer {
  return pkcs11.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_LABEL, value: name },
    { type: pkcs11js.CKA_VALUE_LEN, value: KEY_BYTES },
    { type: pkcs11js.CKA_ENCRYPT, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
  ]);
}

function mechanism(iv: Buffer): pkcs11js.Mechanism {
  const parameter: pkcs11js.AesGCM = { type: pkcs11js.CK_PARAMS_AES_GCM, iv, aad: AAD, ivBits: IV_BYTES * 8, tagBits: TAG_BYTES * 8 };
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
}

/** Seals `root` under the token's custody key, generating that key in the token when it has none. */
export function sealRootKey(options: TokenOptions, root: Secret<Buffer>): string {
  return withToken(options, (token) => {
    const key = findKey(token, label(options)) ?? generateKey(token, label(options));
    const iv = randomKey(IV_BYTES);
    token.pkcs11.C_EncryptInit(token.session, mechanism(iv), key);
    const sealed = token.pkcs11.C_Encrypt(token.session, root.reveal(), Buffer.alloc(KEY_BYTES + TAG_BYTES + 16));
    return Buffer.concat([iv, sealed]).toString('base64url');
  });
}

/** Opens a root key sealed by {@link sealRootKey}, in the token. */
export function openRootKey(options: TokenOptions, sealed: string): Secret<Buffer> {
  if (!/^[A-Za-z0-9_-]+$/.test(sealed)) throw new TokenCustodyError('the sealed root key is malformed');
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) throw new TokenCustodyError('the sealed root key is malformed');
  return withToken(options, (token) => {
    const key = findKey(token, label(options));
    if (key === undefined) throw new TokenCustodyError(`the PKCS#11 token ${options.tokenLabel} holds no key labelled ${label(options)}`);
    token.pkcs11.C_DecryptInit(token.session, mechanism(raw.subarray(0, IV_BYTES)), key);
    let clear: Buffer;
    try {
      clear = token.pkcs11.C_Decrypt(token.session, raw.subarray(IV_BYTES), Buffer.alloc(KEY_BYTES + TAG_BYTES));
    } catch (error) {
      throw new TokenCustodyError(`the PKCS#11 token ${options.tokenLabel} could not open the sealed root key`, { cause: error });
    }
    if (clear.length !== KEY_BYTES) throw new TokenCustodyError('the sealed root key has the wrong length');
    const root = secret(Buffer.from(clear));
    clear.fill(0);
    return root;
  });
}
