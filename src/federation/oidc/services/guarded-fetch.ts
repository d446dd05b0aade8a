/**
 * The `fetch` openid-client is given (`customFetch`): every request to a provider — discovery,
 * token, userinfo, JWKS, a profile — goes through the SSRF guard and the pinned, time-limited
 * client of src/kernel/net/outbound-http.ts, never through the global fetch. Redirects are not
 * followed (openid-client asks for `redirect: 'manual'` anyway). A request the guard refuses or
 * that fails rejects with {@link OutboundRefused}, whose message names the outcome only.
 */
import type { CustomFetch } from 'openid-client';
import { sendOutbound } from '../../../kernel/net/outbound-http.js';
import type { OutboundPolicy, Resolver } from '../../../kernel/net/outbound-policy.js';

/** Provider answers are small JSON documents; a JWKS or discovery document well under this. */
const MAX_PROVIDER_RESPONSE_BYTES = 256 * 1024;
const TIMEOUTS = Object.freeze({ connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000 });

/** A provider request that did not get an answer: blocked by the guard, unreachable, too slow or too large. */
export class OutboundRefused extends Error {
  readonly outcome: string;

  constructor(outcome: string) {
    super(`the provider request ended: ${outcome}`);
    this.name = 'OutboundRefused';
    this.outcome = outcome;
  }
}

function bodyOf(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new OutboundRefused('unsupported request body');
}

/** A `fetch` for openid-client that sends through the SSRF guard under `policy`. */
export function guardedFetch(policy: OutboundPolicy, resolver: Resolver): CustomFetch {
  return async (url, options) => {
    const method = options.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new OutboundRefused(`method ${method} not sent`);
    const body = bodyOf(options.body);
    const result = await sendOutbound(
      {
        url,
        method,
        headers: { ...options.headers },
        ...(body === undefined ? {} : { body }),
        timeouts: TIMEOUTS,
        maxResponseBytes: MAX_PROVIDER_RESPONSE_BYTES,
      },
      policy,
      resolver,
    );
    if (result.status === undefined || (result.outcome !== 'ok' && result.outcome !== 'http_error' && result.outcome !== 'redirect')) {
      throw new OutboundRefused(result.outcome);
    }
    // 1xx/204/304 carry no body (the Response constructor refuses one).
    const empty = result.status === 204 || result.status === 304;
    return new Response(empty ? null : (result.body ?? Buffer.alloc(0)), { status: result.status, headers: result.headers ?? {} });
  };
}
