/**
 * `/api/v1/orgs/{org}/jobs*` (the spec's "Jobs (sandboxed execution)", v1.1's `verify`): create
 * (202, queued), list, read, output (JSON, or live SSE with `Accept: text/event-stream`), cancel.
 * All through the request's tenant scope: another org's job id is 404 on every route.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../kernel/domain/errors.js';
import { OrgParam, scopeOf } from '../../kernel/http/org-params.js';
import { invalidCursor, listCursorsOf, ListQueryProperties, listPageSchema, type ListCursors } from '../../kernel/http/cursor.js';
import { requestContext } from '../../kernel/http/request-context.js';
import type { Jobs } from '../compose.js';
import { JobJson, jobJson } from './job-json.js';
import { streamLogs } from './job-log-stream.js';

const JobId = Type.String({ minLength: 5, maxLength: 40, pattern: '^job_[A-Za-z0-9_-]+$', description: '`job_…`' });
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const JobParams = Type.Object({ org: OrgParam, id: JobId }, { additionalProperties: false });
const Arg = Type.String({ maxLength: 4096 });
const Argv = Type.Array(Arg, {
  minItems: 1,
  maxItems: 256,
  description: 'argv; `argv[0]` is resolved inside the sandbox’s read-only root',
});
const Limit = (description: string) => Type.Optional(Type.Integer({ minimum: 1, description }));

const CreateBody = Type.Object(
  {
    command: Argv,
    files: Type.Optional(
      Type.Record(Type.String({ maxLength: 4096 }), Type.String(), {
        description:
          'relative path → standard base64 bytes, placed in the work directory before the command starts; no `..`, `.`, NUL, control characters, backslash or absolute path (400); at most 256 files, together within `disk_mb`',
      }),
    ),
    secrets: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
        maxItems: 64,
        description:
          'names of org secrets the creator may read (`secrets.read`, checked at creation and again at start), given to the job as environment variables of the same name; values are never stored or logged',
      }),
    ),
    limits: Type.Optional(
      Type.Object(
        {
          cpu_seconds: Limit('CPU seconds'),
          memory_mb: Limit('MiB of memory'),
          pids: Limit('processes'),
          wall_seconds: Limit('wall-clock seconds'),
          disk_mb: Limit('MiB of writable space'),
          open_files: Limit('open file descriptors'),
        },
        {
          additionalProperties: false,
          description:
            'each at most its configured maximum (`RAMPART_JOBS_LIMIT_MAX`; more is 400); unset ones take `RAMPART_JOBS_LIMIT_DEFAULT`',
        },
      ),
    ),
    network: Type.Optional(
      Type.Boolean({ description: 'must be false (or absent): jobs have no network; `true` is 400 `validation_failed`' }),
    ),
    verify: Type.Optional(
      Type.Object(
        {
          reference: Argv,
          inputs: Type.Array(Type.String(), {
            minItems: 1,
            maxItems: 64,
            description: 'standard base64 inputs, each fed on stdin to both',
          }),
        },
        {
          additionalProperties: false,
          description:
            'a verified run: the command and the reference both run, sandboxed, on each input; the first stdout that differs ends the job `failed` with `failure: "verification_failed"` and a unified `diff`',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
const Created = Type.Object({ id: Type.String(), status: Type.Literal('queued') }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: ListQueryProperties.cursor,
  },
  { additionalProperties: false },
);
const Page = listPageSchema(JobJson, 'The org’s jobs, newest first');
const Logs = Type.Object(
  {
    stdout: Type.String({ description: 'UTF-8 (invalid sequences replaced by U+FFFD); the SSE form carries the exact bytes' }),
    stderr: Type.String(),
    truncated: Type.Boolean({ description: 'true when output past the configured cap was cut' }),
    status: JobJson.properties.status,
  },
  { additionalProperties: false },
);
const LogHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) });

const POSITION = /^(\d{1,15})\.(job_[A-Za-z0-9_-]{1,36})$/;

/** The position a page of `org`'s jobs starts after, from an authenticated cursor (kernel/http/cursor.ts). */
function jobsAfter(cursors: ListCursors, org: string, cursor: string | undefined): { createdAt: number; id: string } | undefined {
  const position = cursors.open({ list: 'org-jobs', owner: org }, cursor);
  if (position === undefined) return undefined;
  const match = POSITION.exec(position);
  if (match === null) throw invalidCursor();
  return { createdAt: Number(match[1]), id: match[2] ?? '' };
}

function wantsEventStream(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.trim().split(';')[0]?.trim().toLowerCase() === 'text/event-stream');
}

export async function jobRoutes(app: FastifyInstance, jobs: Jobs): Promise<void> {
  const { service } = jobs;
  const tags = ['jobs'];
  const RUN = { permission: 'jobs.run', scope: 'org' } as const;
  const READ = { permission: 'jobs.read', scope: 'org' } as const;
  const CANCEL = { permission: 'jobs.cancel', scope: 'org' } as const;

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof CreateBody> }>(
    '/api/v1/orgs/:org/jobs',
    {
      bodyLimit: jobs.bodyLimit,
      config: { access: RUN },
      schema: {
        summary: 'Queue a job: a command run in the sandbox with no network, hard limits, files and secrets',
        description:
          'Answers 202 `{id, status: "queued"}`. Refused before anything is stored: a sandbox that cannot be set up is 503 `sandbox_unavailable` (with the reason); `network: true`, a limit above its maximum, a bad file name, files past `disk_mb` or undecodable base64 are 400 `validation_failed`; secrets the creator may not read are 403, unknown ones 404. The body limit of this route is `RAMPART_JOBS_BODY_LIMIT` (413 past it).',
        tags,
        params: OrgParams,
        body: CreateBody,
        response: { 202: Created },
      },
    },
    async (request, reply) => {
      const job = await service.create(scopeOf(request), request.body, requestContext(request));
      return reply.code(202).send({ id: job.id, status: 'queued' as const });
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/jobs',
    {
      config: { access: READ },
      schema: {
        summary: 'The org’s jobs, newest first, by cursor',
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: Page },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const scope = scopeOf(request);
      const cursors = listCursorsOf(request);
      const page = await service.list(scope, limit, jobsAfter(cursors, scope.orgId, request.query.cursor));
      const next = page.next;
      return {
        items: page.items.map(jobJson),
        next_cursor: next === undefined ? null : cursors.seal({ list: 'org-jobs', owner: scope.orgId }, `${next.createdAt}.${next.id}`),
      };
    },
  );

  app.get<{ Params: Static<typeof JobParams> }>(
    '/api/v1/orgs/:org/jobs/:id',
    {
      config: { access: READ },
      schema: {
        summary: 'A job: its status, exit code or signal, limits, timings and the resources it used',
        tags,
        params: JobParams,
        response: { 200: JobJson },
      },
    },
    async (request) => jobJson(await service.get(scopeOf(request), request.params.id)),
  );

  app.get<{ Params: Static<typeof JobParams>; Headers: Static<typeof LogHeaders> }>(
    '/api/v1/orgs/:org/jobs/:id/logs',
    {
      config: { access: READ },
      schema: {
        summary: 'A job’s output; with `Accept: text/event-stream`, streamed live (SSE)',
        description:
          'JSON: the kept stdout and stderr as text. With `Accept: text/event-stream`: one event per chunk (`id` its position, `event` `stdout`/`stderr`, `data` the bytes in base64), `Last-Event-ID` resumes after a position, `event: end` (`{status, exit_code, failure}`) closes it once the job has ended. Only members of the job’s org holding `jobs.read`: checked on every subscribe and while streaming — a member removed, a role losing `jobs.read` or a revoked session ends the stream (`event: revoked`) within a second.',
        tags,
        params: JobParams,
        headers: LogHeaders,
        response: { 200: Logs },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const job = await service.get(scope, request.params.id);
      if (wantsEventStream(request.headers.accept)) {
        const principal = scope.principal;
        if (principal === undefined || !(await jobs.guard.mayRead(principal, scope.orgId))) {
          throw new DomainError('forbidden', 'The caller may not read this org’s jobs');
        }
        const after = Number(request.headers['last-event-id'] ?? '0');
        await streamLogs(jobs, request, reply, scope, principal, job.id, after);
        return reply;
      }
      const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
      for (let cursor = 0; ;) {
        const chunks = await service.logs(scope, job.id, cursor, 1000);
        for (const chunk of chunks) out[chunk.stream].push(chunk.data);
        const last = chunks[chunks.length - 1];
        if (last === undefined || chunks.length < 1000) break;
        cursor = last.seq;
      }
      return {
        stdout: Buffer.concat(out.stdout).toString('utf8'),
        stderr: Buffer.concat(out.stderr).toString('utf8'),
        truncated: job.outputTruncated,
        status: job.status,
      };
    },
  );

  app.post<{ Params: Static<typeof JobParams> }>(
    '/api/v1/orgs/:org/jobs/:id/cancel',
    {
      config: { access: CANCEL },
      schema: {
        summary: 'Cancel a job: the whole process tree ends at once; records who cancelled',
        description:
          'A queued job ends `cancelled` at once; a running one is stopped by the instance running it (the answer waits up to 5 s for it when that is this instance). A job that has already ended is 409 `conflict`.',
        tags,
        params: JobParams,
        response: { 200: JobJson },
      },
    },
    async (request) => jobJson(await service.cancel(scopeOf(request), request.params.id, requestContext(request))),
  );
}
