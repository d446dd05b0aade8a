/**
 * What Rampart may connect to, and how it finds out where a name points. An {@link OutboundPolicy}
 * is the operator's part (allow-listed networks, ports, schemes); a {@link Resolver} answers every
 * address of a name at once, so the SSRF guard can check them all and connect only to one it
 * checked. {@link systemResolver} caches answers for a short time and shares lookups in flight.
 */
import { lookup } from 'node:dns/promises';
import type { RampartConfig } from '../config.js';

/** The operator's outbound rules (RAMPART_OUTBOUND_ALLOW_CIDRS, RAMPART_OUTBOUND_PORTS). */
export interface OutboundPolicy {
  /**
   * Networks reachable even though a deny range covers them (an internal receiver, the tests'
   * loopback receiver). Only the listed networks; `rampart doctor` warns while it is set.
   */
  readonly allowCidrs: readonly string[];
  /** Ports a URL may name (its scheme's default when it names none); by default 80 and 443. */
  readonly ports: readonly number[];
  /** Schemes allowed; by default `https:` and `http:`. */
  readonly schemes?: readonly ('http:' | 'https:')[];
}

/** The default ports: plain and TLS HTTP. */
export const DEFAULT_OUTBOUND_PORTS: readonly number[] = Object.freeze([80, 443]);

/** A policy with nothing allow-listed and the default ports. */
export const DEFAULT_OUTBOUND_POLICY: OutboundPolicy = Object.freeze({
  allowCidrs: Object.freeze([]) as readonly string[],
  ports: DEFAULT_OUTBOUND_PORTS,
});

/** Name resolution for the SSRF guard. */
export interface Resolver {
  /**
   * Every A and AAAA address of `hostname`, as IP text. Rejects when the name does not resolve; an
   * empty answer is treated as "does not resolve" by the guard.
   */
  lookup(hostname: string): Promise<readonly string[]>;
}

interface CacheEntry {
  readonly expires: number;
  readonly answer: Promise<readonly string[]>;
}

const MAX_CACHED_NAMES = 1024;

/**
 * The operating system's resolver (`getaddrinfo`, every address, in its order), with answers kept
 * for `cacheMs` (default 30 s; 0 disables) and concurrent lookups of one name shared. Failures are
 * not cached. The cache holds at most 1,024 names, dropping the oldest first.
 */
export function systemResolver(options: { cacheMs?: number } = {}): Resolver {
  const cacheMs = options.cacheMs ?? 30_000;
  if (!Number.isFinite(cacheMs) || cacheMs < 0) throw new RangeError('cacheMs must be a finite number ≥ 0');
  const cache = new Map<string, CacheEntry>();
  const resolve = async (hostname: string): Promise<readonly string[]> => {
    const answers = await lookup(hostname, { all: true, verbatim: true });
    return Object.freeze(answers.map((answer) => answer.address));
  };
  return Object.freeze({
    lookup(hostname: string): Promise<readonly string[]> {
      const key = hostname.toLowerCase();
      const now = Date.now();
      const hit = cache.get(key);
      if (hit !== undefined && hit.expires > now) return hit.answer;
      const answer = resolve(key);
      if (cacheMs === 0) return answer;
      cache.delete(key);
      if (cache.size >= MAX_CACHED_NAMES) cache.delete(cache.keys().next().value as string);
      cache.set(key, { expires: now + cacheMs, answer });
      answer.catch(() => {
        if (cache.get(key)?.answer === answer) cache.delete(key);
      });
      return answer;
    },
  });
}

/** The policy of a loaded configuration (RAMPART_OUTBOUND_ALLOW_CIDRS, RAMPART_OUTBOUND_PORTS). */
export function outboundPolicyOf(config: Pick<RampartConfig, 'outboundAllowCidrs' | 'outboundPorts'>): OutboundPolicy {
  return Object.freeze({
    allowCidrs: Object.freeze([...config.outboundAllowCidrs]),
    ports: Object.freeze([...config.outboundPorts]),
  });
}
