/**
 * `createClient`: typed calls for every route of the API (openapi-fetch over the generated
 * `paths` of src/sdk/schema.ts), with the transport of src/sdk/transport.ts underneath (credentials,
 * refresh, DPoP, retries). Every refused request throws a {@link RampartError}, so `data` of a
 * call that returns is always the success answer. A client holds one session at a time: `login`
 * and `verifyMfa` store the tokens they receive, `refresh` renews them, `onTokens` hears every
 * change (the CLI writes them to its login file).
 */
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';
import { DpopSigner, type DpopKey } from './dpop-signer.js';
import { errorFromResponse } from './rampart-error.js';
import { Transport, type RetryPolicy, type Tokens } from './transport.js';

export interface ClientOptions {
  /** The server's base URL, e.g. `https://rampart.example.com` (the API lives under `/api/v1`). */
  readonly baseUrl: string;
  /** An access token (JWT) to send as `Authorization: Bearer`. */
  readonly token?: string;
  /** An API key (`rk_…`), sent as `Authorization: Bearer`. */
  readonly apiKey?: string;
  /** A refresh token: renews `token` when it expires (and opens a session when no token is given). */
  readonly refreshToken?: string;
  /** When `token` expires (ms since the epoch), to renew it before use rather than after a 401. */
  readonly expiresAt?: number;
  /**
   * DPoP (RFC 9449): `true` generates an ES256 key; or give the key. Logins through this client then
   * bind the session's refresh tokens to the key, and every refresh carries a proof.
   */
  readonly dpop?: true | DpopKey;
  /** The `fetch` to use (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Retries of 429 and 503 answers (default: 3 attempts, waits up to 10 s). */
  readonly retry?: RetryPolicy;
  /** Called with the new tokens after a login or refresh. */
  readonly onTokens?: (tokens: Tokens) => void | Promise<void>;
  /** Waits between retries (tests pass their own). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

type LoginBody = paths['/api/v1/auth/login']['post']['requestBody']['content']['application/json'];
type LoginAnswer = paths['/api/v1/auth/login']['post']['responses'][200]['content']['application/json'];

/** The answer of a token login: a session, or the second step it needs. */
export type LoginResult =
  | { readonly mfaRequired: false; readonly answer: Extract<LoginAnswer, { access_token: string }> }
  | { readonly mfaRequired: true; readonly mfaToken: string; readonly methods: readonly string[] };

/** The typed API and the session it holds. */
export interface RampartClient extends Client<paths> {
  /** The token login (`POST /api/v1/auth/login`); a session's tokens are kept. */
  login(body: Omit<LoginBody, 'mode'>): Promise<LoginResult>;
  /** The second step of a login (`POST /api/v1/auth/mfa/verify`). */
  verifyMfa(mfaToken: string, code: string): Promise<LoginResult>;
  /** Renews the access token now (single-flight). */
  refresh(): Promise<void>;
  /** The tokens held now. */
  tokens(): Tokens | undefined;
}

export type { Tokens, RetryPolicy, DpopKey, components, paths };

function initialTokens(options: ClientOptions): Tokens | undefined {
  const bearer = options.token ?? options.apiKey;
  if (bearer === undefined && options.refreshToken === undefined) return undefined;
  return {
    // With a refresh token only, an empty access token is renewed before the first request.
    accessToken: bearer ?? '',
    ...(options.refreshToken === undefined ? {} : { refreshToken: options.refreshToken }),
    ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : bearer === undefined ? { expiresAt: 0 } : {}),
  };
}

const throwProblems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await errorFromResponse(response);
    return undefined;
  },
};

/** A client for one Rampart server. */
export function createClient(options: ClientOptions): RampartClient {
  if (options.token !== undefined && options.apiKey !== undefined) throw new Error('give token or apiKey, not both');
  const now = options.now ?? Date.now;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const transport = new Transport({
    baseUrl,
    fetch: options.fetch ?? globalThis.fetch,
    tokens: initialTokens(options),
    dpop: options.dpop === undefined ? undefined : new DpopSigner(options.dpop === true ? undefined : options.dpop, now),
    retry: options.retry,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now,
    onTokens: options.onTokens,
  });
  const api = createFetchClient<paths>({ baseUrl, fetch: transport.fetch });
  api.use(throwProblems);

  async function settle(answer: LoginAnswer | undefined): Promise<LoginResult> {
    if (answer !== undefined && 'mfa_required' in answer) return { mfaRequired: true, mfaToken: answer.mfa_token, methods: answer.methods };
    if (answer === undefined || !('access_token' in answer)) throw new Error('the server answered the login without tokens');
    await transport.acceptGrant(answer);
    return { mfaRequired: false, answer };
  }

  return Object.assign(api, {
    async login(body: Omit<LoginBody, 'mode'>) {
      const { data } = await api.POST('/api/v1/auth/login', { body: { ...body, mode: 'token' } });
      return settle(data);
    },
    async verifyMfa(mfaToken: string, code: string) {
      const { data } = await api.POST('/api/v1/auth/mfa/verify', { body: { mfa_token: mfaToken, code } });
      return settle(data as LoginAnswer | undefined);
    },
    refresh: () => transport.refresh(),
    tokens: () => transport.tokens,
  });
}
