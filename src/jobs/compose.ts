/**
 * The jobs part of the composition root (issue 14): the bubblewrap sandbox as configured, the SQL
 * job store, this instance's liveness lock and worker pool, the log-stream guard on the
 * revocation bus, output retention, the service and its routes. Each thing opened is pushed on
 * `kernel.closers` as it opens; the pool closes first (its running jobs end `interrupted`).
 */
import { randomToken } from '../kernel/crypto/random.js';
import type { Principal } from '../kernel/domain/principal.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { SqlInstanceLiveness } from './adapters/sql-instance-liveness.js';
import { SqlJobStore } from './adapters/sql-job-store.js';
import type { JobStore } from './ports/job-store.js';
import type { Sandbox } from './ports/sandbox.js';
import { jobRoutes } from './routes/jobs.js';
import { createBubblewrapSandbox } from './sandbox/bubblewrap-sandbox.js';
import { JobRunner } from './services/job-runner.js';
import { JobSecrets } from './services/job-secrets.js';
import { JobService } from './services/job-service.js';
import { LogFeed } from './services/log-feed.js';
import { LogRetention } from './services/log-retention.js';
import { LogStreamGuard } from './services/log-stream-guard.js';

/** The jobs capability, as its routes and the application use it. */
export interface Jobs {
  readonly service: JobService;
  readonly runner: JobRunner;
  readonly store: JobStore;
  readonly sandbox: Sandbox;
  readonly guard: LogStreamGuard;
  readonly feed: LogFeed;
  readonly retention: LogRetention;
  /** The body limit of job creation (`RAMPART_JOBS_BODY_LIMIT`). */
  readonly bodyLimit: number;
  /** Reports a background failure of a stream. */
  readonly onError: (error: unknown) => void;
}

export async function composeJobsPart(kernel: Kernel, earlier: Earlier): Promise<Part<Jobs>> {
  const { log: audit } = earlier.need('audit', 'jobs');
  const secretsFacade = earlier.need('secrets', 'jobs');
  const identity = earlier.need('identity', 'jobs');
  const tenancy = earlier.need('tenancy', 'jobs');
  const { config, clock, database } = kernel;
  const onError = kernel.onError('jobs');
  const allowed = async (principal: Principal, orgId: string, permission: string): Promise<boolean> =>
    (await tenancy.authorizer.check(principal, orgId, permission)).allow;

  const sandbox = createBubblewrapSandbox({
    bwrapPath: config.jobsBwrapPath,
    hostUser: { uid: config.jobsSandboxUid, gid: config.jobsSandboxGid },
    logger: kernel.logger,
  });
  const store = new SqlJobStore(database.db, database.dialect);
  const instanceId = `inst_${randomToken(12)}`;
  const feed = new LogFeed();
  const secrets = new JobSecrets({
    allowed,
    names: async (scope) => new Set((await secretsFacade.service.list(scope)).map((summary) => summary.name)),
    reveal: async (scope, name) => (await secretsFacade.service.reveal(scope, name, undefined, undefined)).value.reveal(),
  });
  const runner = new JobRunner({
    store,
    sandbox,
    audit,
    clock,
    secrets,
    feed,
    liveness: new SqlInstanceLiveness(database.db, database.dialect, instanceId, onError),
    instanceId,
    workers: config.jobsWorkers,
    outputBytes: config.jobsOutputBytes,
    onError,
  });
  const guard = new LogStreamGuard({
    bus: kernel.bus,
    allowed,
    sessionRevoked: (sessionId) => identity.revocations.isRevoked(sessionId),
    onError,
  });
  await guard.start();
  kernel.closers.add('jobs log-stream guard', guard);
  const retention = new LogRetention(store, audit, clock, config.jobsLogRetention, onError);
  retention.start();
  kernel.closers.add('jobs log retention', retention);
  kernel.closers.add('jobs worker pool', runner);
  if (kernel.options.runJobs !== false && kernel.options.background !== false) await runner.start();
  const service = new JobService({
    store,
    sandbox,
    runner,
    secrets,
    audit,
    clock,
    limits: { defaults: config.jobsLimitDefaults, maxima: config.jobsLimitMaxima },
  });
  const jobs: Jobs = Object.freeze({ service, runner, store, sandbox, guard, feed, retention, bodyLimit: config.jobsBodyLimit, onError });
  return { facade: jobs, routes: (app) => jobRoutes(app, jobs) };
}
