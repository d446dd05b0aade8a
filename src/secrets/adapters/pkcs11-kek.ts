/**
 * The `pkcs11` KEK source (issue 7): each KEK is an AES-256 secret-key object generated in a PKCS#11
 * token (SoftHSM2 in tests, an HSM in production) with CKA_SENSITIVE and CKA_EXTRACTABLE=false, so
 * its value never leaves the token. Data keys are wrapped and unwrapped by the token itself with
 * CKM_AES_GCM (C_Encrypt/C_Decrypt of the 32-byte data key, a fresh 96-bit IV from node:crypto, the
 * AAD binding org and data key id, 128-bit tag); the stored form is base64url(IV ‖ ciphertext ‖ tag).
 * Objects are labelled `<prefix>-<kek id>`.
 *
 * pkcs11js is synchronous and the Cryptoki library is initialised once per process: instances on
 * the same module share it with each other and with key custody (kernel/custody/pkcs11-library.ts,
 * reference-counted), each with its own logged-in session.
 */
import { randomKey } from '../../kernel/crypto/random.js';
import { acquirePkcs11, releasePkcs11 } from '../../kernel/custody/pkcs11-library.js';
import * as pkcs11js from 'pkcs11js';
import { SecretIntegrityError } from '../domain/secret-integrity.js';
import { secret, type Secret } from '../../kernel/domain/secret.js';
import type { KekProvider } from '../ports/kek.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface Pkcs11KekOptions {
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: Secret<string>;
  readonly keyLabelPrefix: string;
}

// One handle per module for the whole process, shared with key custody's root key.
const acquire = acquirePkcs11;
const release = releasePkcs11;

/** A PKCS#11 failure that is not an authentication failure: the token is unusable (surfaces as 503-like errors upstream). */
export class Pkcs11UnavailableError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(what, options);
    this.name = 'Pkcs11UnavailableError';
  }
}

export class Pkcs11Kek implements KekProvider {
  readonly source = 'pkcs11';
  readonly #options: Pkcs11KekOptions;
  readonly #pkcs11: pkcs11js.PKCS11;
  readonly #session: Buffer;
  readonly #slotDescription: string;
  readonly #handles = new Map<string, Buffer>();
  #closed = false;

  constructor(options: Pkcs11KekOptions) {
    this.#options = options;
    this.#pkcs11 = acquire(options.module);
    try {
      const slot = this.#pkcs11
        .C_GetSlotList(true)
        .find((candidate) => this.#pkcs11.C_GetTokenInfo(candidate).label.trim() === options.tokenLabel);
      if (slot === undefined) throw new Pkcs11UnavailableError(`no PKCS#11 token labelled ${options.tokenLabel}`);
      const info = this.#pkcs11.C_GetTokenInfo(slot);
      this.#slotDescription = `${info.manufacturerID.trim()} ${info.model.trim()} (serial ${info.serialNumber.trim()})`;
      this.#session = this.#pkcs11.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
      try {
        this.#pkcs11.C_Login(this.#session, pkcs11js.CKU_USER, options.pin.reveal());
      } catch (error) {
        // Another session of this process may have logged the token in already.
        if (!(error instanceof pkcs11js.Pkcs11Error) || error.code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) throw error;
      }
    } catch (error) {
      release(options.module);
      if (error instanceof Pkcs11UnavailableError) throw error;
      throw new Pkcs11UnavailableError('the PKCS#11 token could not be opened', { cause: error });
    }
  }

  #label(kekId: string): string {
    if (!/^kek_[A-Za-z0-9_-]{1,64}$/.test(kekId)) throw new SecretIntegrityError('malformed KEK id');
    return `${this.#options.keyLabelPrefix}-${kekId}`;
  }

  #find(kekId: string): Buffer | undefined {
    const cached = this.#handles.get(kekId);
    if (cached !== undefined) return cached;
    const pkcs11 = this.#pkcs11;
    pkcs11.C_FindObjectsInit(this.#session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_LABEL, value: this.#label(kekId) },
    ]);
    let found: Buffer[];
    try {
      found = pkcs11.C_FindObjects(this.#session, 2);
    } finally {
      pkcs11.C_FindObjectsFinal(this.#session);
    }
    if (found.length > 1) throw new Pkcs11UnavailableError(`more than one token object is labelled ${this.#label(kekId)}`);
    const handle = found[0];
    if (handle !== undefined) this.#handles.set(kekId, handle);
    return handle;
  }

  #handle(kekId: string): Buffer {
    const handle = this.#find(kekId);
    if (handle === undefined) throw new Pkcs11UnavailableError(`the token holds no key labelled ${this.#label(kekId)}`);
    return handle;
  }

  #mechanism(iv: Buffer, aad: Uint8Array): pkcs11js.Mechanism {
    const parameter: pkcs11js.AesGCM = {
      type: pkcs11js.CK_PARAMS_AES_GCM,
      iv,
      aad: Buffer.from(aad),
      ivBits: IV_BYTES * 8,
      tagBits: TAG_BYTES * 8,
    };
    return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
  }

  create(kekId: string): Promise<void> {
    try {
      if (this.#find(kekId) === undefined) {
        const handle = this.#pkcs11.C_GenerateKey(this.#session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
          { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_PRIVATE, value: true },
          { type: pkcs11js.CKA_LABEL, value: this.#label(kekId) },
          { type: pkcs11js.CKA_VALUE_LEN, value: KEY_BYTES },
          { type: pkcs11js.CKA_ENCRYPT, value: true },
          { type: pkcs11js.CKA_DECRYPT, value: true },
          { type: pkcs11js.CKA_SENSITIVE, value: true },
          { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        ]);
        this.#handles.set(kekId, handle);
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  has(kekId: string): Promise<boolean> {
    try {
      return Promise.resolve(this.#find(kekId) !== undefined);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  wrap(kekId: string, key: Secret<Buffer>, aad: Uint8Array): Promise<string> {
    try {
      const iv = randomKey(IV_BYTES);
      this.#pkcs11.C_EncryptInit(this.#session, this.#mechanism(iv, aad), this.#handle(kekId));
      const sealed = this.#pkcs11.C_Encrypt(this.#session, key.reveal(), Buffer.alloc(KEY_BYTES + TAG_BYTES + 16));
      return Promise.resolve(Buffer.concat([iv, sealed]).toString('base64url'));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  unwrap(kekId: string, wrapped: string, aad: Uint8Array): Promise<Secret<Buffer>> {
    try {
      if (!/^[A-Za-z0-9_-]+$/.test(wrapped)) throw new SecretIntegrityError('malformed wrapped key');
      const raw = Buffer.from(wrapped, 'base64url');
      if (raw.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) throw new SecretIntegrityError('malformed wrapped key');
      const handle = this.#handle(kekId);
      this.#pkcs11.C_DecryptInit(this.#session, this.#mechanism(raw.subarray(0, IV_BYTES), aad), handle);
      let clear: Buffer;
      try {
        clear = this.#pkcs11.C_Decrypt(this.#session, raw.subarray(IV_BYTES), Buffer.alloc(KEY_BYTES + TAG_BYTES));
      } catch {
        // SoftHSM2 reports a failed GCM tag as CKR_GENERAL_ERROR, others as CKR_ENCRYPTED_DATA_INVALID.
        throw new SecretIntegrityError('the wrapped data key failed authentication in the token');
      }
      if (clear.length !== KEY_BYTES) throw new SecretIntegrityError('the wrapped data key has the wrong length');
      return Promise.resolve(secret(Buffer.from(clear)));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  destroy(kekId: string): Promise<void> {
    try {
      const handle = this.#find(kekId);
      if (handle !== undefined) this.#pkcs11.C_DestroyObject(this.#session, handle);
      this.#handles.delete(kekId);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  describe(): Readonly<Record<string, string>> {
    return { source: 'pkcs11', module: this.#options.module, token: this.#options.tokenLabel, device: this.#slotDescription };
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    try {
      this.#pkcs11.C_CloseSession(this.#session);
    } finally {
      release(this.#options.module);
    }
    return Promise.resolve();
  }
}
