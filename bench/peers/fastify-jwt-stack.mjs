/**
 * Peer for the protected-route benchmark: Fastify 5 + @fastify/helmet (defaults) + @fastify/cors
 * (one allowed origin) + @fastify/rate-limit (10⁹ a minute per client address: counted on every
 * request, never refusing) + jose `jwtVerify` of an EdDSA (Ed25519) bearer JWT on every request of
 * `GET /api/v1/me`, with issuer, audience and algorithm pinned — what a hand-rolled stack does.
 * No cache of verified tokens: every request verifies the signature, as such stacks usually do.
 * `GET /bench/token` hands the harness a token (it is not protected); no logger.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { SignJWT, generateKeyPair, jwtVerify } from 'jose';
import { ALLOWED_ORIGIN, listen } from './common.mjs';

const ISSUER = 'http://127.0.0.1';
const AUDIENCE = 'http://127.0.0.1';
const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });

const app = Fastify();
await app.register(helmet);
await app.register(cors, { origin: ALLOWED_ORIGIN });
await app.register(rateLimit, { max: 1_000_000_000, timeWindow: 60_000 });
app.decorateRequest('subject', null);

app.get('/bench/token', async () => ({
  access_token: await new SignJWT({ email: 'bench@example.test', sid: 'ses_bench' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('usr_bench')
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(privateKey),
}));

const ME_SCHEMA = {
  response: {
    200: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' } }, required: ['id', 'email'] },
    401: { type: 'object', properties: { code: { type: 'string' } } },
  },
};

app.get(
  '/api/v1/me',
  {
    schema: ME_SCHEMA,
    async onRequest(request, reply) {
      const header = request.headers.authorization ?? '';
      if (!header.startsWith('Bearer ')) return reply.code(401).send({ code: 'unauthenticated' });
      try {
        const { payload } = await jwtVerify(header.slice(7), publicKey, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE });
        request.subject = payload;
      } catch {
        return reply.code(401).send({ code: 'token_invalid' });
      }
    },
  },
  async (request) => ({ id: String(request.subject.sub), email: String(request.subject.email) }),
);
await listen(app);
