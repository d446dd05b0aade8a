/**
 * The framework-neutral core of `rampart/fastify` and `rampart/express`: an application trusts
 * Rampart's access tokens as Rampart itself does (docs/decisions/034-app-middleware-and-revocation-feed.md).
 * The rules, in order:
 * 1. `Authorization: Bearer <JWT>` only (RFC 6750 §2.1); anything else is 401 `unauthenticated`;
 * 2. the signature is checked with Rampart's JWKS (jose's remote set: cached, re-fetched on an
 *    unknown `kid`, so a key rotation needs nothing), the algorithm pinned to Rampart's (RFC 8725
 *    §3.1), `typ: at+jwt`, the issuer and the application's audience compared exactly (RFC 9068 §4);
 * 3. the claims become a principal `{userId, sessionId, org, scope}`;
 * 4. with a service client configured, the revocation feed decides revocation: a revoked session
 *    (401 `session_revoked`), an org whose memberships changed since the token (401 `token_expired`:
 *    refresh), and — fail closed — every token while the feed is down longer than its bound (503
 *    `revocation_feed_unavailable`);
 * 5. `authorize(principal, permission, org?)` asks `POST /api/v1/authz/check` and caches the answer
 *    for `decisionTtlMs`; an `authz` event of the feed drops the cache at once.
 * The guard contacts one host, the operator's Rampart URL, never one a token names.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { RevocationSubscriber, type ClientCredentials } from './revocation-subscriber.js';

/** What an application configures. */
export interface RampartGuardOptions {
  /** Rampart's base URL, as the operator gives it (https in production). */
  readonly url: string;
  /** The `iss` Rampart signs with (RAMPART_PUBLIC_URL); default: `url`. */
  readonly issuer?: string;
  /** The audience this application accepts, compared exactly; default: the issuer (Rampart's own tokens). */
  readonly audience?: string;
  /** A service client holding `sessions.watch` in its org: enables the revocation feed. */
  readonly client?: ClientCredentials;
  /** Silence after which the feed counts as down and every token is refused (ms); default 45 000. */
  readonly feedStaleAfterMs?: number;
  /** How long an authorization answer is reused (ms); default 30 000. */
  readonly decisionTtlMs?: number;
  /** Algorithms accepted; default Rampart's (EdDSA, ES256, RS256). */
  readonly algorithms?: readonly string[];
  /** For tests and proxies; default the global fetch. */
  readonly fetch?: typeof fetch;
  /** Wall-clock ms (default `Date.now`): for tests, and hosts with a clock of their own. */
  readonly now?: () => number;
  /** Background failures (the feed's reconnections). */
  readonly onError?: (error: unknown) => void;
}

/** Who is calling, from the verified claims. */
export interface RampartPrincipal {
  /** `sub`: the user id, or the client id of a service token. */
  readonly userId: string;
  /** `sid`: the session (a service token's is its client id). */
  readonly sessionId: string;
  /** `org`: the active org, when the token was issued for one. */
  readonly org: string | undefined;
  /** `scope`, split: the permissions the token carries. */
  readonly scope: readonly string[];
  /** `client_id` on a service client's token. */
  readonly clientId: string | undefined;
  /** Every verified claim. */
  readonly claims: Readonly<JWTPayload>;
}

/** A refusal, as the application answers it (RFC 9457 fields). */
export interface GuardRefusal {
  readonly status: 401 | 403 | 404 | 503;
  readonly code: string;
  readonly detail: string;
}

export type GuardResult =
  { readonly ok: true; readonly principal: RampartPrincipal } | { readonly ok: false; readonly refusal: GuardRefusal };

const DEFAULT_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'];
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const MAX_TOKEN_LENGTH = 8192;
const MAX_DECISIONS = 10_000;

function refuse(status: GuardRefusal['status'], code: string, detail: string): GuardResult {
  return { ok: false, refusal: { status, code, detail } };
}

function text(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export class RampartGuard {
  readonly #url: string;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #algorithms: string[];
  readonly #fetch: typeof fetch;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly #decisionTtlMs: number;
  readonly #decisions = new Map<string, { allowed: boolean; expiresAt: number }>();
  readonly #feed: RevocationSubscriber | undefined;
  readonly #now: () => number;

  constructor(options: RampartGuardOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('url must be an http(s) URL');
    this.#url = url.href;
    this.#issuer = options.issuer ?? options.url;
    this.#audience = options.audience ?? this.#issuer;
    this.#algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
    if (this.#algorithms.some((alg) => alg === 'none' || alg.startsWith('HS'))) throw new TypeError('none and HMAC algorithms are refused');
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
    this.#decisionTtlMs = options.decisionTtlMs ?? 30_000;
    const staleAfterMs = options.feedStaleAfterMs ?? 45_000;
    for (const [name, value] of Object.entries({ decisionTtlMs: this.#decisionTtlMs, feedStaleAfterMs: staleAfterMs })) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer of ms`);
    }
    // jose caches the set (10 min) and re-fetches it, at most every 30 s, when a token names an unknown `kid`.
    this.#jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', this.#url));
    this.#feed =
      options.client === undefined
        ? undefined
        : new RevocationSubscriber({
            url: this.#url,
            client: options.client,
            staleAfterMs,
            fetch: this.#fetch,
            now: this.#now,
            onAuthz: () => this.#decisions.clear(),
            onError: options.onError ?? (() => undefined),
          });
  }

  /** Connects the revocation feed (when a client is configured); resolves once it is live. */
  async start(): Promise<void> {
    await this.#feed?.start();
  }

  /** Whether the revocation feed is live (always true without one). */
  get live(): boolean {
    return this.#feed?.live ?? true;
  }

  /** Verifies the `Authorization` header's access token and maps it to a principal. */
  async authenticate(authorization: string | undefined): Promise<GuardResult> {
    if (authorization === undefined || authorization === '') return refuse(401, 'unauthenticated', 'A bearer access token is required');
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined || token.length > MAX_TOKEN_LENGTH)
      return refuse(401, 'token_invalid', 'The Authorization header is malformed');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        algorithms: this.#algorithms,
        typ: 'at+jwt',
        issuer: this.#issuer,
        audience: this.#audience,
        requiredClaims: ['sub', 'sid', 'exp', 'iat', 'jti'],
        clockTolerance: 5,
        currentDate: new Date(this.#now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return refuse(401, 'token_expired', 'The access token has expired');
      return refuse(401, 'token_invalid', 'The access token is not valid here');
    }
    const sub = text(payload, 'sub');
    const sid = text(payload, 'sid');
    if (sub === undefined || sid === undefined || typeof payload.iat !== 'number')
      return refuse(401, 'token_invalid', 'Claims are missing');
    const org = text(payload, 'org');
    if (this.#feed !== undefined) {
      if (!this.#feed.live) return refuse(503, 'revocation_feed_unavailable', 'Revocations cannot be checked right now');
      const refusal = this.#feed.refusal(sid, payload.iat, org);
      if (refusal === 'session_revoked') return refuse(401, refusal, 'The session of this token has been revoked');
      if (refusal === 'token_expired') return refuse(401, refusal, "The org's memberships or roles changed: refresh the token");
    }
    const scope = (text(payload, 'scope') ?? '').split(' ').filter((s) => s !== '');
    return {
      ok: true,
      principal: Object.freeze({ userId: sub, sessionId: sid, org, scope, clientId: text(payload, 'client_id'), claims: payload }),
    };
  }

  /**
   * Whether `principal` holds `permission` in `org` (default: the token's active org), as Rampart
   * decides it now (`POST /api/v1/authz/check` with the caller's own token), from the local cache
   * when asked within `decisionTtlMs` and no `authz` event has come since. No org: a deny.
   */
  async authorize(principal: RampartPrincipal, token: string, permission: string, org = principal.org): Promise<boolean> {
    if (org === undefined) return false;
    const key = `${principal.sessionId}\u0000${org}\u0000${permission}`;
    const now = this.#now();
    const cached = this.#decisions.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.allowed;
    const response = await this.#fetch(new URL('/api/v1/authz/check', this.#url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ org, permission }),
    });
    // 404: the org is not the caller's to see; 401/403: the token is not good there. Each a deny.
    const allowed = response.ok && ((await response.json()) as { allowed?: unknown }).allowed === true;
    if (this.#decisions.size >= MAX_DECISIONS) this.#decisions.clear();
    this.#decisions.set(key, { allowed, expiresAt: now + this.#decisionTtlMs });
    return allowed;
  }

  /** The bearer token of an `Authorization` header (already verified by {@link authenticate}). */
  static tokenOf(authorization: string | undefined): string {
    return BEARER.exec(authorization ?? '')?.[1] ?? '';
  }

  /** Stops the feed. */
  async close(): Promise<void> {
    await this.#feed?.close();
  }
}
