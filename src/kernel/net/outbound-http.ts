/**
 * Rampart's one HTTP client for requests leaving the installation (webhook deliveries now; OIDC
 * discovery, witness URLs and licence callbacks later). Every request is checked by the SSRF guard
 * first and then sent over an undici dispatcher whose socket lookup is PINNED to the addresses the
 * guard checked: the name is resolved once, so DNS rebinding cannot move the connection, while TLS
 * SNI, certificate checks and the Host header keep the name. Redirects are never followed (a 3xx is
 * the outcome `redirect`). Connecting (TCP and TLS), waiting for headers and reading the body each
 * have a time limit; the body is read up to a small cap, past which the connection is destroyed.
 * The result is a classified outcome, never a thrown error.
 */
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import type { OutboundPolicy, Resolver } from './outbound-policy.js';
import { checkUrl, UNRESOLVABLE } from './ssrf-guard.js';

/** One outbound request. */
export interface OutboundRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: Buffer;
  /** Milliseconds; defaults {@link DEFAULT_OUTBOUND_TIMEOUTS}. */
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  /** Bytes of response body read at most (default 16 KiB); more is `too_large`. */
  maxResponseBytes?: number;
}

/** How the request ended. `ok` is a 2xx; `body` is present for `ok` and `http_error` answers. */
export interface OutboundResult {
  outcome: 'ok' | 'http_error' | 'ssrf_blocked' | 'timeout' | 'connect_error' | 'tls_error' | 'redirect' | 'too_large';
  status?: number;
  latencyMs: number;
  /** A short, safe description of a failure (never the response body). */
  reason?: string;
  body?: Buffer;
  /** The answer's headers (names lower-cased; a repeated header joined with `, `), when one came. */
  headers?: Record<string, string>;
}

/** Time limits when the request names none: connect+TLS 5 s, headers 10 s, body 10 s. */
export const DEFAULT_OUTBOUND_TIMEOUTS = Object.freeze({ connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000 });

/** Response bytes read when the request names no cap. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A socket `lookup` that answers only the checked addresses, whatever name it is asked about. */
function pinnedLookup(addresses: readonly string[]) {
  const entries: LookupAddress[] = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const first = entries[0];
    if (first === undefined) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), []);
    } else if (options.all === true) {
      callback(null, entries);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

interface PooledAgent {
  readonly agent: Agent;
  readonly connectMs: number;
}

const MAX_POOLED_AGENTS = 64;

/**
 * Dispatchers by origin, pinned address set and connect limit, so deliveries to one receiver reuse
 * kept-alive connections. A key never changes its addresses: a new DNS answer is a new key.
 */
const agents = new Map<string, PooledAgent>();

function agentFor(origin: string, addresses: readonly string[], connectMs: number): Agent {
  const key = `${origin}|${addresses.join(',')}|${connectMs}`;
  const pooled = agents.get(key);
  if (pooled !== undefined) {
    agents.delete(key);
    agents.set(key, pooled);
    return pooled.agent;
  }
  if (agents.size >= MAX_POOLED_AGENTS) {
    const [oldestKey, oldest] = agents.entries().next().value as [string, PooledAgent];
    agents.delete(oldestKey);
    void oldest.agent.close().catch(() => undefined);
  }
  const agent = new Agent({
    connect: { lookup: pinnedLookup(addresses), timeout: connectMs },
    keepAliveTimeout: 4_000,
    connections: 16,
  });
  agents.set(key, { agent, connectMs });
  return agent;
}

/** Closes every pooled connection (at shutdown, and between tests). */
export async function closeOutboundConnections(): Promise<void> {
  const pooled = [...agents.values()];
  agents.clear();
  await Promise.all(pooled.map(({ agent }) => agent.close().catch(() => undefined)));
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$|HOSTNAME_MISMATCH)/;

function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
}

/** A thrown transport error as an outcome, with its code (never a message that could echo data). */
function classifyError(error: unknown): Pick<OutboundResult, 'outcome' | 'reason'> {
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { outcome: 'timeout', reason: code };
  }
  if (TLS_CODES.test(code)) return { outcome: 'tls_error', reason: code };
  return { outcome: 'connect_error', reason: code === '' ? 'connection failed' : code };
}

class TooLarge extends Error {}

/** Reads at most `cap` bytes of `body`; more destroys the stream (and its connection). */
async function readCapped(body: Dispatcher.ResponseData['body'], cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > cap) {
      body.destroy();
      throw new TooLarge();
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}

/** undici's header record as plain strings (a repeated header joined, RFC 9110 §5.3). */
function headersOf(raw: Dispatcher.ResponseData['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function outcomeOf(status: number): OutboundResult['outcome'] {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 300 && status < 400) return 'redirect';
  return 'http_error';
}

/**
 * Sends `outbound` if the SSRF guard allows its URL under `policy`, connecting only to the addresses
 * the guard checked. Never throws: every end is an {@link OutboundResult}.
 */
export async function sendOutbound(outbound: OutboundRequest, policy: OutboundPolicy, resolver: Resolver): Promise<OutboundResult> {
  const started = performance.now();
  const latency = (): number => Math.round((performance.now() - started) * 1000) / 1000;
  const verdict = await checkUrl(outbound.url, policy, resolver);
  if (!verdict.ok) {
    const outcome = verdict.reason === UNRESOLVABLE ? 'connect_error' : 'ssrf_blocked';
    return { outcome, reason: verdict.reason, latencyMs: latency() };
  }
  const timeouts = { ...DEFAULT_OUTBOUND_TIMEOUTS, ...outbound.timeouts };
  const cap = outbound.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const dispatcher = agentFor(verdict.url.origin, verdict.addresses, timeouts.connectMs);
  // Deadlines of our own per phase: undici's timers are coarse (about 1 s) and its bodyTimeout only
  // bounds the gap between chunks, so a receiver trickling one byte at a time is stopped here.
  const controller = new AbortController();
  let phase: 'headers' | 'body' = 'headers';
  let timer = setTimeout(() => controller.abort(), timeouts.connectMs + timeouts.headersMs);
  let status: number | undefined;
  try {
    const response = await request(verdict.url, {
      dispatcher,
      method: outbound.method,
      headers: outbound.headers,
      body: outbound.body,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      signal: controller.signal,
    });
    status = response.statusCode;
    clearTimeout(timer);
    phase = 'body';
    timer = setTimeout(() => controller.abort(), timeouts.bodyMs);
    const body = await readCapped(response.body, cap);
    return { outcome: outcomeOf(status), status, latencyMs: latency(), body, headers: headersOf(response.headers) };
  } catch (error) {
    if (error instanceof TooLarge) return { outcome: 'too_large', status, latencyMs: latency(), reason: `more than ${cap} bytes` };
    if (controller.signal.aborted) return { outcome: 'timeout', status, latencyMs: latency(), reason: `${phase} deadline` };
    return { ...classifyError(error), status, latencyMs: latency() };
  } finally {
    clearTimeout(timer);
  }
}
