/**
 * What every peer shares with Rampart's `GET /healthz`: the same answer with the same response
 * schema (so Fastify serializes it the same way), on loopback, at the port the harness chose.
 */
import process from 'node:process';

/** The one origin CORS allows, in Rampart (RAMPART_CORS_ORIGINS) and in the peer stack alike. */
export const ALLOWED_ORIGIN = 'https://app.example.com';

const HEALTHZ_SCHEMA = {
  response: {
    200: { type: 'object', properties: { status: { type: 'string', const: 'ok' } }, required: ['status'] },
  },
};

/** @param {import('fastify').FastifyInstance} app */
export function healthzRoute(app) {
  app.get('/healthz', { schema: HEALTHZ_SCHEMA }, async () => ({ status: 'ok' }));
}

/** @param {import('fastify').FastifyInstance} app */
export async function listen(app) {
  const port = Number(process.env.BENCH_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('BENCH_PORT must be set to the port to listen on');
  await app.listen({ host: '127.0.0.1', port });
}
