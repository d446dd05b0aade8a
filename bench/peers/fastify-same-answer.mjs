/**
 * Peer for the protected-route benchmark: bare Fastify 5 sending what Rampart's `GET /api/v1/me`
 * sends — the same fifteen response headers (request id, CORS `Vary`, the security headers, the
 * rate limiter's four) and a body of the same shape and length, serialized through a response
 * schema — with no check at all. The yardstick of the answer itself: what remains between it
 * and Rampart is the chain (authentication, rate limit, access line, metrics) and the handler.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { listen } from './common.mjs';

const SECURITY_HEADERS = {
  vary: 'Origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

const BODY = {
  user: {
    id: 'usr_1ee8ab607525e7c7988380475f312e3e',
    email: 'bench@example.test',
    name: 'Administrator',
    status: 'active',
    created_at: '2026-12-07T03:17:01.685Z',
    email_verified: false,
    email_verified_at: null,
  },
  memberships: [{ org_id: 'org_b449ec8f4b3f70c736acaa0c731a7d2e', org_slug: 'system', role: 'owner' }],
  mfa: { enabled: false },
};

const nullableString = { type: ['string', 'null'] };
const SCHEMA = {
  response: {
    200: {
      type: 'object',
      properties: {
        user: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            email: { type: 'string' },
            name: nullableString,
            status: { type: 'string' },
            created_at: { type: 'string' },
            email_verified: { type: 'boolean' },
            email_verified_at: nullableString,
          },
        },
        memberships: {
          type: 'array',
          items: { type: 'object', properties: { org_id: { type: 'string' }, org_slug: { type: 'string' }, role: { type: 'string' } } },
        },
        mfa: { type: 'object', properties: { enabled: { type: 'boolean' } } },
      },
    },
  },
};

let remaining = 1_000_000_000;
const app = Fastify();
app.get('/api/v1/me', { schema: SCHEMA }, async (_request, reply) => {
  reply.header('x-request-id', randomUUID());
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  reply
    .header('ratelimit-limit', '1000000000')
    .header('ratelimit-remaining', String(--remaining))
    .header('ratelimit-reset', '60')
    .header('ratelimit-policy', '1000000000;w=60');
  return BODY;
});
await listen(app);
