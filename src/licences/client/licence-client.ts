/**
 * What an installed product embeds (issue 16 item 5): it activates with a licence key, keeps the
 * activation token in a store the product gives, checks the status on schedule, and decides
 * OFFLINE whether the product may run now. Rules:
 * 1. a key is read (check group) before any network call: a typo never reaches the server;
 * 2. a token is believed only after its Ed25519 signature verifies against the PINNED keys (a
 *    JWKS the product ships, never fetched from the server it checks), with `alg` fixed to EdDSA,
 *    its installation id this installation's, and its issuer the configured server;
 * 3. the product may run while the token's `grace_until` has not passed (nor the licence's
 *    expiry): a server that cannot be reached costs nothing until then;
 * 4. a status answer of `valid: false` (revoked, expired) or a refused token ends the licence
 *    here at once: the stored token is cleared;
 * 5. time comes from the caller's clock (tests use a fake one); the refresh timer is `unref`'d.
 * Node built-ins only (fetch, crypto in ./crypto/).
 */
import { parseActivationToken, type ActivationClaims } from './activation-token-format.js';
import { ed25519PublicKey, ed25519Verify } from './crypto/node-crypto.js';
import { parseLicenceKey } from './licence-key-text.js';

/** Where the product keeps its activation token (a file, a keychain…); `undefined` clears it. */
export interface LicenceTokenStore {
  load(): Promise<string | undefined>;
  save(token: string | undefined): Promise<void>;
}

/** A JWK Set as GET /api/v1/artifacts/keys publishes it (only `licences` Ed25519 keys are used). */
export interface PinnedKeys {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

export interface LicenceClientOptions {
  /** Where the licence server answers. */
  readonly serverUrl: string;
  /** The tokens' `iss`: the server's RAMPART_PUBLIC_URL; default `serverUrl`. */
  readonly issuer?: string;
  readonly installationId: string;
  readonly keys: PinnedKeys;
  readonly store: LicenceTokenStore;
  /** ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export type LicenceStateReason = 'ok' | 'no_token' | 'invalid_token' | 'grace_over' | 'licence_expired' | 'revoked' | 'refused';

/** Whether the product may run now, and why. */
export interface LicenceState {
  readonly usable: boolean;
  readonly reason: LicenceStateReason;
  readonly claims?: ActivationClaims;
}

/** A refusal by the server, with its problem code (`invalid_credentials`, `conflict`…) or `checksum`/`malformed` for a key caught here. */
export class LicenceClientError extends Error {
  readonly code: string;
  readonly status: number | undefined;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'LicenceClientError';
    this.code = code;
    this.status = status;
  }
}

interface StatusBody {
  readonly valid?: unknown;
  readonly revoked?: unknown;
  readonly token?: unknown;
  readonly code?: unknown;
  readonly detail?: unknown;
}

export class LicenceClient {
  readonly #o: Required<Omit<LicenceClientOptions, 'issuer'>>;
  readonly #base: string;
  readonly #issuer: string;
  #revoked = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: LicenceClientOptions) {
    this.#o = Object.freeze({ now: () => Date.now(), fetch: globalThis.fetch.bind(globalThis), ...options });
    this.#base = options.serverUrl.replace(/\/+$/, '');
    this.#issuer = (options.issuer ?? options.serverUrl).replace(/\/+$/, '');
  }

  /** Activates with `licenceKey`; the key's check group is verified first, with no network call. */
  async activate(licenceKey: string): Promise<LicenceState> {
    const reading = parseLicenceKey(licenceKey);
    if (!reading.ok)
      throw new LicenceClientError(
        reading.reason,
        reading.reason === 'checksum' ? 'The licence key has a typo (its check group fails)' : 'This is not a licence key',
      );
    const body = await this.#call('POST', '/api/v1/licences/activate', undefined, {
      licence_key: licenceKey,
      installation_id: this.#o.installationId,
    });
    if (typeof body.token !== 'string') throw new LicenceClientError('invalid_token', 'The server answered no token');
    return this.#accept(body.token);
  }

  /** Whether the product may run now, from the stored token alone (no network). */
  async state(): Promise<LicenceState> {
    if (this.#revoked) return { usable: false, reason: 'revoked' };
    const token = await this.#o.store.load();
    return token === undefined ? { usable: false, reason: 'no_token' } : this.#judge(token);
  }

  /**
   * Checks the status with the server. Unreachable (a network error, a 5xx, 429): the stored
   * token stands, within its grace. Refused or not valid: the token is cleared.
   */
  async refresh(): Promise<LicenceState> {
    const current = await this.state();
    const claims = current.claims;
    if (claims === undefined) return current;
    let body: StatusBody;
    try {
      body = await this.#call('GET', `/api/v1/licences/${encodeURIComponent(claims.lic)}/status`, await this.#o.store.load());
    } catch (error) {
      if (error instanceof LicenceClientError && error.status !== undefined && error.status < 500 && error.status !== 429) {
        await this.#o.store.save(undefined);
        return { usable: false, reason: 'refused' };
      }
      return current;
    }
    if (body.valid !== true || typeof body.token !== 'string') {
      await this.#o.store.save(undefined);
      this.#revoked = body.revoked === true;
      return { usable: false, reason: body.revoked === true ? 'revoked' : 'licence_expired' };
    }
    return this.#accept(body.token);
  }

  /** Gives the activation back (a seat freed) and clears the token. */
  async deactivate(): Promise<void> {
    const token = await this.#o.store.load();
    const claims = token === undefined ? undefined : this.#judge(token).claims;
    if (claims === undefined) return;
    await this.#call('POST', `/api/v1/licences/${encodeURIComponent(claims.lic)}/deactivate`, token);
    await this.#o.store.save(undefined);
  }

  /** Refreshes at each token's `refresh_after` (retrying a minute later when unreachable) until `stop`. */
  start(onState: (state: LicenceState) => void = () => undefined): void {
    const schedule = async (): Promise<void> => {
      const state = await this.state();
      if (state.claims === undefined) return onState(state);
      const wait = Math.max(60_000, state.claims.refresh_after * 1000 - this.#o.now());
      this.#timer = setTimeout(
        () =>
          void this.refresh()
            .then(onState, () => undefined)
            .finally(() => void schedule()),
        wait,
      );
      this.#timer.unref();
    };
    void schedule();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #accept(token: string): Promise<LicenceState> {
    const state = this.#judge(token);
    if (state.claims === undefined)
      throw new LicenceClientError('invalid_token', 'The server answered a token that does not verify with the pinned keys');
    this.#revoked = false;
    await this.#o.store.save(token);
    return state;
  }

  /** Rule 2, then rule 3: the token's signature, then its times. */
  #judge(token: string): LicenceState {
    const parts = parseActivationToken(token);
    const jwk =
      parts === undefined
        ? undefined
        : this.#o.keys.keys.find((key) => key.kid === parts.kid && (key.purpose === undefined || key.purpose === 'licences'));
    const key = jwk === undefined ? undefined : ed25519PublicKey(jwk);
    if (parts === undefined || key === undefined || !ed25519Verify(key, parts.signingInput, parts.signature))
      return { usable: false, reason: 'invalid_token' };
    const claims = parts.claims;
    if (claims.ins !== this.#o.installationId || claims.iss.replace(/\/+$/, '') !== this.#issuer)
      return { usable: false, reason: 'invalid_token' };
    const now = this.#o.now();
    if (claims.licence_expires_at !== null && now >= claims.licence_expires_at * 1000)
      return { usable: false, reason: 'licence_expired', claims };
    if (now >= claims.grace_until * 1000) return { usable: false, reason: 'grace_over', claims };
    return { usable: true, reason: 'ok', claims };
  }

  async #call(method: 'GET' | 'POST', path: string, token?: string, body?: object): Promise<StatusBody> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#o.fetch(`${this.#base}${path}`, {
      method,
      headers,
      // ASVS V15.3.2: a 3xx would carry the licence key and the activation token elsewhere.
      redirect: 'error',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = (text === '' ? {} : JSON.parse(text)) as StatusBody;
    if (!response.ok) {
      const code = typeof parsed.code === 'string' ? parsed.code : 'http_error';
      throw new LicenceClientError(code, typeof parsed.detail === 'string' ? parsed.detail : `HTTP ${response.status}`, response.status);
    }
    return parsed;
  }
}
