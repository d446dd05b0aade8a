/**
 * The SDK's `fetch`: what every request passes before and after the network.
 * - Credentials: `Authorization: Bearer` with the current access token or API key, except on the
 *   sign-in routes (login, MFA verify, refresh) that open or renew a session themselves.
 * - Refresh: an access token known to be expired (its `expires_in` has passed), or answered 401
 *   `token_expired`, is renewed with the refresh token once, and the request sent again. Refreshes
 *   are single-flight: concurrent requests share one `POST /api/v1/auth/refresh`, because a second
 *   refresh with the same (then spent) token would trip reuse detection and revoke the session.
 * - DPoP: with a signer, the sign-in routes carry a fresh proof (htm, htu = the request's URL).
 * - Retries: 429 and 503 are sent again after `Retry-After` (seconds or an HTTP date), or after an
 *   exponential backoff when the answer has none; at most `attempts` times, and never when the
 *   server asks for a longer wait than `maxDelayMs` — the caller then gets the refusal.
 */
import { errorFromResponse } from './rampart-error.js';
import type { DpopSigner } from './dpop-signer.js';

/** The tokens of a session, as the SDK holds them. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** When the access token expires, ms since the epoch. */
  readonly expiresAt?: number;
}

/** How requests that the server turned away for load are retried. */
export interface RetryPolicy {
  /** How many times a 429 or 503 is sent again; default 3, 0 turns retries off. */
  readonly attempts?: number;
  /** The longest wait the SDK accepts before one retry, in ms; default 10 000. */
  readonly maxDelayMs?: number;
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly tokens: Tokens | undefined;
  readonly dpop: DpopSigner | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly onTokens: ((tokens: Tokens) => void | Promise<void>) | undefined;
}

/** Routes that open or renew a session: no bearer credential, a DPoP proof when configured. */
const SIGN_IN_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/mfa/verify', '/api/v1/auth/refresh']);
/** An access token this close to its expiry is renewed before use. */
const EXPIRY_SKEW_MS = 5_000;
const BACKOFF_BASE_MS = 250;

interface RefreshAnswer {
  readonly access_token?: unknown;
  readonly refresh_token?: unknown;
  readonly expires_in?: unknown;
}

export class Transport {
  readonly #o: TransportOptions;
  #tokens: Tokens | undefined;
  #refreshing: Promise<void> | undefined;

  constructor(options: TransportOptions) {
    this.#o = options;
    this.#tokens = options.tokens;
  }

  /** The tokens held now (after any refresh). */
  get tokens(): Tokens | undefined {
    return this.#tokens;
  }

  /** Replaces the tokens (after a login) and reports them to `onTokens`. */
  async setTokens(tokens: Tokens | undefined): Promise<void> {
    this.#tokens = tokens;
    if (tokens !== undefined) await this.#o.onTokens?.(tokens);
  }

  /** Stores a login or refresh answer's tokens. */
  async acceptGrant(answer: RefreshAnswer): Promise<boolean> {
    if (typeof answer.access_token !== 'string') return false;
    await this.setTokens({
      accessToken: answer.access_token,
      ...(typeof answer.refresh_token === 'string' ? { refreshToken: answer.refresh_token } : {}),
      ...(typeof answer.expires_in === 'number' ? { expiresAt: this.#o.now() + answer.expires_in * 1000 } : {}),
    });
    return true;
  }

  /** Renews the access token with the refresh token; concurrent callers share one request. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const refreshToken = this.#tokens?.refreshToken;
    if (refreshToken === undefined) throw new Error('no refresh token to renew the access token with; log in again');
    const url = `${this.#o.baseUrl}/api/v1/auth/refresh`;
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
    if (this.#o.dpop !== undefined) headers.set('dpop', await this.#o.dpop.proof('POST', url));
    const response = await this.#o.fetch(
      new Request(url, { method: 'POST', headers, body: JSON.stringify({ refresh_token: refreshToken }) }),
    );
    if (!response.ok) throw await errorFromResponse(response);
    await this.acceptGrant((await response.json()) as RefreshAnswer);
  }

  /** The `fetch` handed to openapi-fetch. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const signIn = SIGN_IN_PATHS.has(new URL(request.url).pathname);
    if (!signIn && this.#expired()) await this.refresh();
    let refreshed = false;
    for (let attempt = 0; ;) {
      const response = await this.#o.fetch(await this.#prepare(request.clone(), signIn));
      if (
        !signIn &&
        !refreshed &&
        response.status === 401 &&
        this.#tokens?.refreshToken !== undefined &&
        (await codeOf(response)) === 'token_expired'
      ) {
        refreshed = true;
        await response.body?.cancel();
        await this.refresh();
        continue;
      }
      const delay = this.#retryDelay(response, attempt);
      if (delay === null) return response;
      await response.body?.cancel();
      await this.#o.sleep(delay);
      attempt += 1;
    }
  };

  #expired(): boolean {
    const tokens = this.#tokens;
    return tokens?.refreshToken !== undefined && tokens.expiresAt !== undefined && this.#o.now() >= tokens.expiresAt - EXPIRY_SKEW_MS;
  }

  async #prepare(request: Request, signIn: boolean): Promise<Request> {
    if (signIn) {
      if (this.#o.dpop !== undefined && !request.headers.has('dpop'))
        request.headers.set('dpop', await this.#o.dpop.proof(request.method, request.url));
    } else if (this.#tokens !== undefined && !request.headers.has('authorization')) {
      request.headers.set('authorization', `Bearer ${this.#tokens.accessToken}`);
    }
    return request;
  }

  /** How long to wait before sending again, or `null` for no retry. */
  #retryDelay(response: Response, attempt: number): number | null {
    if (response.status !== 429 && response.status !== 503) return null;
    const attempts = this.#o.retry?.attempts ?? 3;
    const maxDelay = this.#o.retry?.maxDelayMs ?? 10_000;
    if (attempt >= attempts) return null;
    const asked = retryAfter(response.headers.get('retry-after'), this.#o.now());
    const delay = asked ?? BACKOFF_BASE_MS * 2 ** attempt;
    return delay > maxDelay ? null : delay;
  }
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; `null` when absent or unreadable. */
export function retryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

async function codeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}
