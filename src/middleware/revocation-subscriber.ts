/**
 * The application side of the revocation feed (GET /api/v1/revocations/stream): a service
 * client's token from `POST /api/v1/oauth/token` (RFC 6749 §4.4, client_secret_basic), then the
 * stream, read with `Last-Event-ID` after the first connection so nothing is missed across a
 * reconnection. What it keeps, and the guarantees the guard builds on:
 * 1. revoked sessions (`revocation`), each kept one access-token lifetime plus slack;
 * 2. per org, the last second whose active-org tokens are stale (`authz`), and a `onAuthz` call so
 *    cached decisions are dropped;
 * 3. a not-before time (`resync` with `at`: a kill switch; a lost position: the reconnection time);
 * 4. liveness: `live` is true only while the stream is connected and has shown activity (an event
 *    or a heartbeat comment) within `staleAfterMs`; the guard refuses every token while it is not.
 * Reconnection backs off from 250 ms to 5 s. The URL is the operator's own Rampart: no other host
 * is ever contacted (docs/decisions/034-app-middleware-and-revocation-feed.md).
 */
import { readEventStream, type SseEvent } from './sse.js';

/** A revoked session is remembered this long: 15 min tokens, 5 s clock tolerance, a minute of slack. */
const REMEMBER_MS = (900 + 5 + 60) * 1000;
const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5000;

export interface ClientCredentials {
  readonly id: string;
  readonly secret: string;
}

export interface RevocationSubscriberOptions {
  /** Rampart's base URL (the operator's; fixed). */
  readonly url: string;
  readonly client: ClientCredentials;
  /** No activity for this long (ms) means the feed is down. */
  readonly staleAfterMs: number;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** An org's authorization changed (`undefined`: every org's). */
  readonly onAuthz: (org: string | undefined) => void;
  readonly onError: (error: unknown) => void;
}

/** What a `revocation`, `authz` or `resync` event carries. */
interface FeedData {
  readonly sid?: unknown;
  readonly org?: unknown;
  readonly at?: unknown;
  readonly reason?: unknown;
  readonly position?: unknown;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function basic(client: ClientCredentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
}

export class RevocationSubscriber {
  readonly #o: RevocationSubscriberOptions;
  readonly #revoked = new Map<string, number>();
  readonly #orgFloors = new Map<string, number>();
  #notBefore = 0;
  #lastId: string | undefined;
  #connected = false;
  #lastActivity = Number.NEGATIVE_INFINITY;
  #token: { value: string; expiresAt: number } | undefined;
  #abort: AbortController | undefined;
  #closed = false;
  #loop: Promise<void> | undefined;
  #readyWaiters: (() => void)[] = [];

  constructor(options: RevocationSubscriberOptions) {
    this.#o = options;
  }

  /** Starts the connection loop; resolves once the first stream is open (its `ready` event). */
  start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
    this.#loop ??= this.#run();
    return ready;
  }

  /** Whether the feed is connected and heard from within the bound. */
  get live(): boolean {
    return this.#connected && this.#o.now() - this.#lastActivity < this.#o.staleAfterMs;
  }

  /** The last position received (the next connection's `Last-Event-ID`). */
  get position(): string | undefined {
    return this.#lastId;
  }

  /** Whether a token of session `sid`, issued at `iat` (s), with active org `org`, must be refused, and why. */
  refusal(sid: string, iat: number, org: string | undefined): 'session_revoked' | 'token_expired' | undefined {
    if (this.#revoked.has(sid) || iat * 1000 < this.#notBefore) return 'session_revoked';
    if (org !== undefined) {
      const floor = this.#orgFloors.get(org);
      if (floor !== undefined && iat <= floor) return 'token_expired';
    }
    return undefined;
  }

  async #run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.#closed) {
      try {
        await this.#connect();
        backoff = MIN_BACKOFF_MS;
      } catch (error) {
        if (!this.#closed) this.#o.onError(error);
      }
      this.#connected = false;
      if (this.#closed) return;
      await new Promise((resolve) => setTimeout(resolve, backoff).unref());
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  async #clientToken(): Promise<string> {
    const now = this.#o.now();
    if (this.#token !== undefined && this.#token.expiresAt > now) return this.#token.value;
    const response = await this.#o.fetch(new URL('/api/v1/oauth/token', this.#o.url), {
      method: 'POST',
      headers: { authorization: basic(this.#o.client), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (!response.ok) throw new Error(`the client token request was refused (${response.status})`);
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') throw new Error('the token endpoint answered no access_token');
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 60;
    // Renewed well before it expires: a reconnection never presents a token about to lapse.
    this.#token = { value: body.access_token, expiresAt: now + Math.max(1, expiresIn - 30) * 1000 };
    return this.#token.value;
  }

  async #connect(): Promise<void> {
    const token = await this.#clientToken();
    this.#abort = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (this.#lastId !== undefined) headers['last-event-id'] = this.#lastId;
    const response = await this.#o.fetch(new URL('/api/v1/revocations/stream', this.#o.url), { headers, signal: this.#abort.signal });
    if (response.status === 401) this.#token = undefined;
    if (!response.ok || response.body === null) throw new Error(`the revocation feed was refused (${response.status})`);
    const watchdog = setInterval(
      () => {
        // A stream that has gone silent (a half-open connection) is dropped and opened again.
        if (this.#connected && !this.live) this.#abort?.abort();
      },
      Math.max(100, Math.floor(this.#o.staleAfterMs / 4)),
    );
    watchdog.unref();
    try {
      await readEventStream(
        response.body,
        {
          onEvent: (event) => this.#onEvent(event),
          onActivity: () => {
            this.#lastActivity = this.#o.now();
          },
        },
        this.#lastId,
      );
    } catch (error) {
      if (!this.#closed && !(error instanceof Error && error.name === 'AbortError')) throw error;
    } finally {
      clearInterval(watchdog);
    }
  }

  #onEvent(event: SseEvent): void {
    let data: FeedData;
    try {
      data = JSON.parse(event.data) as FeedData;
    } catch {
      return;
    }
    const now = this.#o.now();
    if (event.event === 'ready') {
      this.#connected = true;
      this.#lastActivity = now;
      for (const resolve of this.#readyWaiters.splice(0)) resolve();
    } else if (event.event === 'revocation' && typeof data.sid === 'string') {
      this.#revoked.set(data.sid, now);
      this.#forget(now);
    } else if (event.event === 'authz' && typeof data.org === 'string') {
      const at = timeOf(data.at) ?? now;
      this.#orgFloors.set(data.org, Math.max(this.#orgFloors.get(data.org) ?? 0, Math.floor(at / 1000)));
      this.#o.onAuthz(data.org);
    } else if (event.event === 'resync') {
      // A kill switch names its time; a lost position means anything may have been revoked meanwhile.
      this.#notBefore = Math.max(this.#notBefore, timeOf(data.at) ?? now);
      this.#o.onAuthz(undefined);
    }
    this.#lastId = event.id;
  }

  #forget(now: number): void {
    for (const [sid, at] of this.#revoked) {
      if (at + REMEMBER_MS > now) break;
      this.#revoked.delete(sid);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#abort?.abort();
    await this.#loop;
  }
}
