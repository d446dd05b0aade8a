/**
 * `/healthz` (liveness: the process answers) and `/readyz` (readiness: its dependencies answer
 * too). Both are exempt from rate limiting, whose store may be Redis:
 * - `/healthz` touches no dependency, so it stays 200 through a Redis or database outage — an
 *   orchestrator's liveness probe must not restart every instance for the length of an outage
 *   that a restart cannot fix;
 * - `/readyz` must report a Redis outage as `redis: unavailable`, which it cannot do from behind a
 *   Redis-backed limiter that fails closed, and names each dependency that does not answer
 *   (`database`, `redis`, `revocation-bus`: the subscription does not prove it delivers). Its
 *   probes each settle within their own timeout, so it stays cheap.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ReadinessProbe } from '../../kernel/ports/readiness-probe.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../../kernel/http/problem.js';

export async function healthRoutes(app: FastifyInstance, probes: readonly ReadinessProbe[]): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { access: 'public', rateLimit: false },
      schema: {
        summary: 'Liveness: the process answers (whatever its dependencies do)',
        tags: ['health'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public', rateLimit: false },
      schema: {
        summary: 'Readiness: the database (and Redis and the revocation bus, when configured) answer',
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.Literal('ok')) }),
          503: Type.Unknown({ description: 'problem+json `service_unavailable`, with `checks` naming what does not answer' }),
        },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(probes.map(async (probe) => [probe.name, await probe.check()] as const));
      const checks = Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'unavailable']));
      const down = results.filter(([, ok]) => !ok).map(([name]) => name);
      if (down.length === 0) return { status: 'ready' as const, checks };
      const body = problem('service_unavailable', `Not ready: ${down.join(', ')} not answering`, request.requestId, { checks });
      return reply.code(503).type(PROBLEM_CONTENT_TYPE).serializer(JSON.stringify).send(body);
    },
  );
}
