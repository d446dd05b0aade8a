/**
 * The warning for a reverse proxy on the same host that Rampart does not trust. With
 * RAMPART_TRUST_PROXY unset, a request that arrives from loopback carrying X-Forwarded-For came
 * through such a proxy: Rampart (rightly) ignores the header, so every client has the proxy's
 * address — per-IP rate limits collapse into one bucket, and `/metrics`, open to loopback, is
 * open to every client. The server logs this once per process and records the first sighting in
 * the data directory, where `rampart doctor` reports it (a one-shot doctor cannot see requests).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Rampart } from '../rampart.js';
import { addressMatcher } from './routes/metrics.js';

/** The record's file name inside the data directory. */
export const PROXY_OBSERVATION_FILE = 'proxy-observed.json';

export interface ProxyObservation {
  /** When the first such request arrived (ms since the epoch). */
  readonly at: number;
}

/** The recorded sighting, or `undefined` (none, or unreadable). */
export function readProxyObservation(dataDir: string): ProxyObservation | undefined {
  try {
    const value = JSON.parse(readFileSync(join(dataDir, PROXY_OBSERVATION_FILE), 'utf8')) as { at?: unknown };
    return typeof value.at === 'number' && Number.isFinite(value.at) ? { at: value.at } : undefined;
  } catch {
    return undefined;
  }
}

/** Adds the once-per-process check to the standalone server (a host app owns its proxy rules). */
export function registerProxyWarning(app: FastifyInstance, rampart: Rampart): void {
  if (rampart.config.trustProxy !== false) return;
  const loopback = addressMatcher([]);
  let seen = false;
  // Callback style: once per process it has work; on every other request it must cost no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!seen && request.headers['x-forwarded-for'] !== undefined && loopback(request.socket.remoteAddress ?? '')) {
      seen = true;
      observe();
    }
    done();
  });
  function observe(): void {
    rampart.logger.warn(
      { check: 'trust-proxy' },
      'a request came from a proxy on loopback with X-Forwarded-For while RAMPART_TRUST_PROXY is unset: ' +
        'every client shares one rate-limit bucket and may read /metrics; set RAMPART_TRUST_PROXY to the proxy address',
    );
    if (readProxyObservation(rampart.config.dataDir) !== undefined) return;
    try {
      writeFileSync(join(rampart.config.dataDir, PROXY_OBSERVATION_FILE), JSON.stringify({ at: rampart.clock.now() }), { mode: 0o600 });
    } catch (error) {
      rampart.logger.debug({ err: error }, 'could not record the proxy sighting for rampart doctor');
    }
  }
}
