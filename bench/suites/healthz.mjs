/**
 * `GET /healthz` through Rampart's whole chain, against (a) bare Fastify 5 and (b) Fastify with
 * helmet, CORS and rate-limit. The route is public and a liveness probe, so the chain runs every
 * layer that applies to a GET without a credential: the request pass (request id, CORS, security
 * headers, method guard, draining, authentication with nothing to verify, the rate limiter, which
 * exempts the probe: `rateLimit: false`), authorization (public), the handler, the response
 * serializer, metrics and the access log line. The checks prove the pass ran: the request id is
 * echoed and every security header is present.
 */
import { peer, rampart } from '../lib/servers.mjs';

const BODY = '{"status":"ok"}';

/** @type {import('../lib/suite.mjs').Suite} */
export default {
  name: 'healthz',
  title: "GET /healthz: Rampart's whole chain vs. bare Fastify and Fastify + helmet + cors + rate-limit",
  path: '/healthz',
  servers: [
    {
      id: 'rampart',
      label: 'Rampart (whole chain)',
      server: rampart(),
      expect: {
        status: 200,
        body: BODY,
        headers: {
          'x-request-id': true,
          vary: 'Origin',
          'strict-transport-security': /^max-age=\d+/,
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
          'content-security-policy': /default-src 'none'/,
          'cache-control': 'no-store',
          'cross-origin-opener-policy': 'same-origin',
        },
      },
    },
    {
      id: 'bare',
      label: 'Fastify 5, no plugins',
      server: peer('fastify-bare.mjs'),
      expect: {
        status: 200,
        body: BODY,
        headers: {},
        absent: ['content-security-policy', 'x-ratelimit-remaining', 'access-control-allow-origin'],
      },
    },
    {
      id: 'stack',
      label: 'Fastify + helmet + cors + rate-limit',
      server: peer('fastify-stack.mjs'),
      expect: {
        status: 200,
        body: BODY,
        headers: {
          'content-security-policy': true,
          'strict-transport-security': true,
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'access-control-allow-origin': 'https://app.example.com',
          'x-ratelimit-remaining': /^\d+$/,
        },
        limiter: { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset' },
      },
    },
  ],
  ratios: [
    { label: 'Rampart / bare Fastify', of: 'rampart', to: 'bare' },
    { label: 'Rampart / Fastify+helmet+cors+rate-limit', of: 'rampart', to: 'stack' },
  ],
  goals: [
    {
      label: 'chain cost: 1 - Rampart / bare Fastify (req/s)',
      value: ({ rps }) => 1 - rps.rampart / rps.bare,
      atMost: 0.35,
      format: 'percent',
    },
    {
      // The cross-check a busy machine disturbs least: the same cost, from CPU time per request.
      label: 'chain cost: 1 - bare / Rampart (CPU time per request)',
      value: ({ cpuUs }) => 1 - cpuUs.bare / cpuUs.rampart,
      atMost: 0.35,
      format: 'percent',
    },
  ],
};
