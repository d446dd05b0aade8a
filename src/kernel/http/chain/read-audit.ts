/**
 * `RAMPART_AUDIT_READS=all` (issue 22 item 1): every authenticated request that reads — `GET` and
 * `HEAD`; a change is audited by the service that makes it — gets an `api.read` entry, as Vault's
 * audit device records every request, with the answer's status (a refused read is a `failure`).
 * Recorded at `onSend`, once the answer is decided and before it leaves, and fail closed: the
 * answer leaves only once the entry is durable, and when the log cannot take it the read is
 * refused (503 `audit_unavailable`) instead of served unrecorded. The audit log batches concurrent
 * entries into one commit (docs/decisions/031-audit-group-commit.md), so the cost is a share of a
 * commit, not one per request. Under `sensitive` and `off` this layer adds no hook at all.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface ReadAuditOptions {
  /** Records the read of `request`, answered with `status`; absent unless every read is audited. */
  readonly record: ((request: FastifyRequest, status: number) => Promise<void>) | undefined;
}

const READS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

const readAudit: FastifyPluginAsync<ReadAuditOptions> = async (app, options) => {
  const record = options.record;
  if (record === undefined) return;
  // Requests whose entry could not be written: their 503 is not recorded again (and cannot loop).
  const unrecorded = new WeakSet<FastifyRequest>();
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.principal === undefined || !READS.has(request.method) || request.routeConfig.url === undefined || unrecorded.has(request)) {
      done(null, payload);
      return;
    }
    record(request, reply.statusCode).then(
      () => done(null, payload),
      (error: unknown) => {
        unrecorded.add(request);
        done(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
};

// Reads the principal the request pass set; after authorization in the table, so the entry
// records the decided answer.
export default fp(readAudit, {
  name: 'rampart-read-audit',
  fastify: '5.x',
  dependencies: ['rampart-request-pass', 'rampart-authorization'],
  decorators: { request: ['principal', 'routeConfig'] },
});
