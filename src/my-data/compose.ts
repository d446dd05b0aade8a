/**
 * The caller's own data (test/fixtures/spec-api-v1.md, "The caller"): the export (`GET /api/v1/me/export`) and
 * the self-erasure (`DELETE /api/v1/me`), wired from identity, the credentials and the database.
 */
import { LoginLimiter, type Identity } from '../identity/index.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { SqlOrgOwnership } from './adapters/sql-org-ownership.js';
import { meDataRoutes } from './routes/me-data.js';
import { MyDataExport } from './services/my-data-export.js';
import { SelfErasure } from './services/self-erasure.js';

/** The caller's GDPR routes' services. */
export interface MyDataServices {
  /** GDPR Art. 15/20: everything held on the caller. */
  readonly export: MyDataExport;
  /** GDPR Art. 17: the caller erases their own account. */
  readonly erasure: SelfErasure;
}

/**
 * The my-data capability on the kernel, identity (the account, its password and second factor,
 * the erasure), the credentials (the caller's API keys) and audit (the log, and the per-subject
 * keys that disclose the caller's own personal fields).
 */
export async function composeMyDataPart(kernel: Kernel, earlier: Earlier): Promise<Part<MyDataServices>> {
  const identity: Pick<Identity, 'users' | 'hasher' | 'factor' | 'guessBudget' | 'mfa' | 'userAdmin'> = earlier.need('identity', 'myData');
  const { log: audit } = earlier.need('audit', 'myData');
  const { config, database, clock } = kernel;
  const myData: MyDataServices = Object.freeze({
    export: new MyDataExport({
      users: identity.users,
      sections: () => kernel.personalData(),
      audit,
      clock,
    }),
    erasure: new SelfErasure({
      users: identity.users,
      hasher: identity.hasher,
      // The login limiter's own keys on the same counters: these attempts and logins share the limits.
      limiter: new LoginLimiter(kernel.rateLimiter, config.loginRateLimit),
      factor: identity.factor,
      budget: identity.guessBudget,
      mfa: identity.mfa,
      ownership: new SqlOrgOwnership(database.db),
      admin: identity.userAdmin,
      audit,
      clock,
    }),
  });
  return { facade: myData, routes: (app) => meDataRoutes(app, myData, kernel.personalData()) };
}
