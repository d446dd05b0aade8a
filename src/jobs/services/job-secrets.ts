/**
 * The org secrets a job receives as environment variables (issue 14, item 4).
 *
 * - At creation the creator must hold `secrets.read` in the org (else 403) and each secret must
 *   exist (else 404); nothing is queued otherwise.
 * - The creator's tenant scope (minted by the authorization layer for the creating request) is
 *   held in memory on the creating instance until the job starts; the job is pinned to that
 *   instance. At start `secrets.read` is checked again, then each value is revealed through the
 *   secrets capability under that scope (audited there as `secret.reveal`) and handed to the
 *   sandbox run's environment. Values live in memory only: never in the job record, a log, an
 *   audit entry, an event or a command line.
 * - A job whose scope is not held here (its instance restarted) cannot have its secrets: it is
 *   interrupted, never run without them.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { JobRecord } from '../domain/job.js';

export interface JobSecretsOptions {
  /** Whether `principal` holds `permission` in the org, now. */
  readonly allowed: (principal: Principal, orgId: string, permission: string) => Promise<boolean>;
  /** The names of the org's secrets. */
  readonly names: (scope: TenantScope) => Promise<ReadonlySet<string>>;
  /** The newest value of `name`, revealed (and audited) under `scope`. */
  readonly reveal: (scope: TenantScope, name: string) => Promise<string>;
}

export type RevealOutcome =
  { readonly ok: true; readonly env: Map<string, string> } | { readonly ok: false; readonly why: 'unavailable' | 'forbidden' };

export class JobSecrets {
  readonly #o: JobSecretsOptions;
  readonly #held = new Map<string, TenantScope>();

  constructor(options: JobSecretsOptions) {
    this.#o = options;
  }

  /** Refuses (403/404) names the creator may not read or that do not exist. */
  async checkReadable(scope: TenantScope, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const principal = scope.principal;
    if (principal === undefined || !(await this.#o.allowed(principal, scope.orgId, 'secrets.read'))) {
      throw new DomainError('forbidden', 'The job’s creator may not read the org’s secrets (secrets.read)');
    }
    const existing = await this.#o.names(scope);
    const missing = names.filter((name) => !existing.has(name));
    if (missing.length > 0) throw new DomainError('not_found', `No such secret: ${missing.join(', ')}`);
  }

  hold(jobId: string, scope: TenantScope): void {
    this.#held.set(jobId, scope);
  }

  forget(jobId: string): void {
    this.#held.delete(jobId);
  }

  /** The job's secrets as environment, re-checked now; the held scope is dropped either way. */
  async reveal(job: JobRecord): Promise<RevealOutcome> {
    if (job.secretNames.length === 0) return { ok: true, env: new Map() };
    const scope = this.#held.get(job.id);
    this.#held.delete(job.id);
    if (scope?.principal === undefined || scope.orgId !== job.orgId) return { ok: false, why: 'unavailable' };
    if (!(await this.#o.allowed(scope.principal, job.orgId, 'secrets.read'))) return { ok: false, why: 'forbidden' };
    const env = new Map<string, string>();
    try {
      for (const name of job.secretNames) env.set(name, await this.#o.reveal(scope, name));
    } catch (error) {
      env.clear();
      if (error instanceof DomainError && (error.code === 'not_found' || error.code === 'forbidden'))
        return { ok: false, why: 'forbidden' };
      throw error;
    }
    return { ok: true, env };
  }
}
