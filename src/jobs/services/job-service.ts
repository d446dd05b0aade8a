/**
 * The jobs' use cases behind the routes (issue 14): create, read, list, cancel, read output.
 *
 * Creation refuses before anything is stored: a sandbox that cannot be had (503
 * `sandbox_unavailable`, with its reason), `network: true`, limits above their maxima, bad file
 * names, files past `disk_mb`, undecodable base64, secrets the creator may not read (403/404).
 * Then `job.create` is recorded, and the job row and its `job.created` event are written in one
 * transaction. Cancel records `job.cancel` (its actor is who cancelled) before it changes
 * anything; a queued job ends `cancelled` at once, a running one is stopped by the instance that
 * runs it (at once when that is this one), which records the ending.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { randomToken } from '../../kernel/crypto/random.js';
import { decodeStrictBase64 } from '../../kernel/crypto/strict-base64.js';
import { DomainError, validationFailed, type FieldError } from '../../kernel/domain/errors.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { isFinal, type JobActor, type JobRecord, type LimitName } from '../domain/job.js';
import { diskErrors, fileNameErrors, resolveLimits, secretNameErrors, type LimitPolicy } from '../domain/job-rules.js';
import type { JobLogChunk, JobPage, JobStore } from '../ports/job-store.js';
import type { Sandbox } from '../ports/sandbox.js';
import { finishedEvent, jobAuditEvent } from './job-audit.js';
import type { JobRunner } from './job-runner.js';
import type { JobSecrets } from './job-secrets.js';

/** A job request, as the route received it (snake_case names of the API). */
export interface JobRequest {
  readonly command: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
  readonly limits?: Partial<Record<LimitName, number>>;
  readonly network?: boolean;
  readonly verify?: { readonly reference: readonly string[]; readonly inputs: readonly string[] };
}

export interface JobServiceOptions {
  readonly store: JobStore;
  readonly sandbox: Sandbox;
  readonly runner: JobRunner;
  readonly secrets: JobSecrets;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly limits: LimitPolicy;
}

/** How long a cancel waits for a job running here to end before it answers. */
const CANCEL_WAIT_MS = 5000;

function actorOf(principal: Principal): JobActor {
  return {
    type: principal.type,
    id: principal.id,
    ...(principal.owner === undefined ? {} : { owner: principal.owner }),
    ...(principal.scopes === undefined ? {} : { scopes: [...principal.scopes] }),
    ...(principal.org === undefined ? {} : { org: principal.org }),
  };
}

function decodeAll(entries: readonly (readonly [string, string])[], field: (key: string) => string, errors: FieldError[]): Buffer[] {
  return entries.map(([key, text]) => {
    const bytes = decodeStrictBase64(text);
    if (bytes === undefined) errors.push({ field: field(key), reason: 'must be standard base64 with padding' });
    return Buffer.from(bytes ?? new Uint8Array());
  });
}

export class JobService {
  readonly #o: JobServiceOptions;

  constructor(options: JobServiceOptions) {
    this.#o = options;
  }

  async create(scope: TenantScope, request: JobRequest, context: RequestContext): Promise<JobRecord> {
    const principal = scope.principal;
    if (principal === undefined) throw new DomainError('unauthenticated', 'Authentication is required');
    const profile = await this.#o.sandbox.probe();
    if (!profile.available)
      throw new DomainError('sandbox_unavailable', `The sandbox cannot be set up: ${profile.reason ?? 'unknown reason'}`);

    const errors: FieldError[] = [];
    if (request.network === true)
      errors.push({ field: 'network', reason: 'must be false: jobs have no network until an egress policy exists' });
    const { limits, errors: limitErrors } = resolveLimits(request.limits, this.#o.limits);
    errors.push(...limitErrors);
    const fileEntries = Object.entries(request.files ?? {});
    errors.push(...fileNameErrors(fileEntries.map(([path]) => path)));
    const fileBytes = decodeAll(fileEntries, (path) => `files/${path}`, errors);
    const verifyBytes = decodeAll(
      (request.verify?.inputs ?? []).map((text, index) => [String(index), text] as const),
      (index) => `verify/inputs/${index}`,
      errors,
    );
    const secretNames = [...(request.secrets ?? [])];
    errors.push(...secretNameErrors(secretNames));
    const total = fileBytes.reduce((sum, bytes) => sum + bytes.length, 0);
    errors.push(...diskErrors(total, limits));
    if (errors.length > 0) throw validationFailed(errors);
    await this.#o.secrets.checkReadable(scope, secretNames);

    const now = this.#o.clock.now();
    const job: JobRecord = {
      id: `job_${randomToken(16)}`,
      orgId: scope.orgId,
      createdBy: actorOf(principal),
      status: 'queued',
      command: [...request.command],
      limits,
      secretNames,
      files: fileEntries.map(([path], index) => ({ path, size: fileBytes[index]?.length ?? 0 })),
      verify: request.verify === undefined ? undefined : { reference: [...request.verify.reference], inputs: verifyBytes.length },
      exitCode: null,
      signal: null,
      failure: null,
      diff: null,
      outputTruncated: false,
      usage: null,
      instanceId: null,
      // A job with secrets can start only where its creator's scope is held (job-secrets.ts).
      pinnedInstance: secretNames.length > 0 ? this.#o.runner.instanceId : null,
      cancelledBy: null,
      cancelRequestedAt: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    };
    const entry = jobAuditEvent(job, 'job.create', { type: principal.type, id: principal.id }, context, {
      command: job.command,
      limits: job.limits,
      files: job.files,
      // The names of the org secrets given as environment (a key named like a secret would be refused by the log).
      environment: job.secretNames,
      ...(job.verify === undefined ? {} : { verify: job.verify }),
    });
    await auditedChange(this.#o.audit, entry, async () => {
      const input = {
        files: new Map(fileEntries.map(([path], index) => [path, fileBytes[index] ?? Buffer.alloc(0)])),
        verifyInputs: verifyBytes,
      };
      if (secretNames.length > 0) this.#o.secrets.hold(job.id, scope);
      try {
        await this.#o.store.insert(
          scope,
          job,
          input,
          { type: 'job.created', orgId: job.orgId, data: { job_id: job.id, created_by: principal.id } },
          now,
        );
      } catch (error) {
        this.#o.secrets.forget(job.id);
        throw error;
      }
    });
    this.#o.runner.wake();
    return job;
  }

  async get(scope: TenantScope, id: string): Promise<JobRecord> {
    const job = await this.#o.store.find(scope, id);
    if (job === undefined) throw new DomainError('not_found', 'No such job');
    return job;
  }

  list(scope: TenantScope, limit: number, before: { createdAt: number; id: string } | undefined): Promise<JobPage> {
    return this.#o.store.list(scope, limit, before);
  }

  async cancel(scope: TenantScope, id: string, context: RequestContext): Promise<JobRecord> {
    const principal = scope.principal;
    if (principal === undefined) throw new DomainError('unauthenticated', 'Authentication is required');
    const job = await this.get(scope, id);
    if (isFinal(job.status)) throw new DomainError('conflict', `The job has already ended (${job.status})`);
    const entry = jobAuditEvent(job, 'job.cancel', { type: principal.type, id: principal.id }, context, { was: job.status });
    await auditedChange(this.#o.audit, entry, async () => {
      const now = this.#o.clock.now();
      const ended = {
        status: 'cancelled',
        exitCode: null,
        signal: null,
        failure: null,
        diff: null,
        outputTruncated: false,
        usage: null,
      } as const;
      if (await this.#o.store.cancelQueued(scope, id, principal.id, finishedEvent(job, ended), now)) {
        this.#o.secrets.forget(id);
        return;
      }
      if (await this.#o.store.requestCancel(scope, id, principal.id, now)) return;
      const current = await this.get(scope, id);
      if (isFinal(current.status)) throw new DomainError('conflict', `The job has already ended (${current.status})`);
      if (current.cancelRequestedAt === null) throw new DomainError('conflict', 'The job changed meanwhile; try again');
    });
    if (this.#o.runner.isRunningHere(id)) {
      await Promise.race([this.#o.runner.cancelHere(id), new Promise((resolve) => setTimeout(resolve, CANCEL_WAIT_MS).unref())]);
    }
    return this.get(scope, id);
  }

  /** Output chunks after `afterSeq`, in order. */
  async logs(scope: TenantScope, id: string, afterSeq: number, limit: number): Promise<JobLogChunk[]> {
    return this.#o.store.logs(scope, id, afterSeq, limit);
  }
}
