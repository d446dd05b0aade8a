/**
 * `GET /api/v1/orgs/{org}/jobs/{id}/logs` with `Accept: text/event-stream`: the job's output as
 * Server-Sent Events (WHATWG HTML §9.2), live while it runs.
 *
 * Each chunk is one event: `id` its position (resume with `Last-Event-ID`), `event` `stdout` or
 * `stderr`, `data` the chunk's bytes in standard base64 (chunks may split a UTF-8 character, so
 * they are not sent as text). When the job has ended and every chunk is sent: `event: end` with
 * `{status, exit_code, failure}`, and the stream closes. When the caller's access goes while it
 * streams (log-stream-guard.ts): `event: revoked` and the stream closes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../kernel/domain/principal.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { isFinal } from '../domain/job.js';
import type { JobService } from '../services/job-service.js';
import type { LogFeed } from '../services/log-feed.js';
import type { LogStreamGuard } from '../services/log-stream-guard.js';

const PAGE = 500;
/** A stream of a job running on another instance looks for output this often. */
const POLL_MS = 500;

export interface LogStreamParts {
  readonly service: JobService;
  readonly feed: LogFeed;
  readonly guard: LogStreamGuard;
  readonly onError: (error: unknown) => void;
}

/** Streams `jobId`'s output after `after`; the job and the caller's access were checked before. */
export async function streamLogs(
  parts: LogStreamParts,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: TenantScope,
  principal: Principal,
  jobId: string,
  after: number,
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-request-id': request.id,
    connection: 'keep-alive',
  });
  raw.write('retry: 1000\n\n');
  let open = true;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    open = false;
    wake?.();
  };
  const unwatch = parts.guard.watch(principal, scope.orgId, () => {
    if (open) raw.write('event: revoked\ndata: {}\n\n');
    stop();
  });
  const unlisten = parts.feed.listen(jobId, () => wake?.());
  request.raw.on('close', stop);
  let cursor = after;
  try {
    while (open) {
      const chunks = await parts.service.logs(scope, jobId, cursor, PAGE);
      for (const chunk of chunks) {
        if (!open) break;
        raw.write(`id: ${chunk.seq}\nevent: ${chunk.stream}\ndata: ${chunk.data.toString('base64')}\n\n`);
        cursor = chunk.seq;
      }
      if (!open || chunks.length === PAGE) continue;
      const job = await parts.service.get(scope, jobId);
      if (isFinal(job.status)) {
        if ((await parts.service.logs(scope, jobId, cursor, 1)).length > 0) continue;
        raw.write(`event: end\ndata: ${JSON.stringify({ status: job.status, exit_code: job.exitCode, failure: job.failure })}\n\n`);
        break;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, POLL_MS).unref();
      });
      wake = undefined;
    }
  } catch (error) {
    parts.onError(error);
  } finally {
    unwatch();
    unlisten();
    request.raw.off('close', stop);
    raw.end();
  }
}
