/**
 * The caller's own data (spec/api-v1.md, "The caller"): the export (`GET /api/v1/me/export`) and
 * the self-erasure (`DELETE /api/v1/me`), wired from identity, the credentials and the database.
 * Kept apart from `rampart.ts`.
 */
import { SqlAuditSubjects } from '../audit/index.js';
import type { SqlDatabase } from '../kernel/adapters/sql/sql-database.js';
import { SqlOrgOwnership } from './adapters/sql-org-ownership.js';
import { SqlPersonalData } from './adapters/sql-personal-data.js';
import type { RampartConfig } from '../kernel/config.js';
import { auditSubjectKeyWrap } from '../audit/index.js';
import type { Credentials } from '../credentials/index.js';
import { type Identity } from '../identity/index.js';
import { masterKeyOf } from '../kernel/master-key.js';
import type { AuditLog } from '../kernel/ports/audit-log.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { RateLimiter } from '../kernel/ports/rate-limiter.js';
import { LoginLimiter } from '../identity/index.js';
import { MyDataExport } from './services/my-data-export.js';
import { SelfErasure } from './services/self-erasure.js';

/** The caller's GDPR routes' services. */
export interface MyDataServices {
  /** GDPR Art. 15/20: everything held on the caller. */
  readonly export: MyDataExport;
  /** GDPR Art. 17: the caller erases their own account. */
  readonly erasure: SelfErasure;
}

export interface MyDataParts {
  readonly config: RampartConfig;
  readonly database: SqlDatabase;
  readonly identity: Identity;
  readonly credentials: Pick<Credentials, 'apiKeys'>;
  readonly audit: AuditLog;
  readonly rateLimiter: RateLimiter;
  readonly clock: Clock;
}

export function composeMyData(parts: MyDataParts): MyDataServices {
  const { config, database, identity, audit, clock } = parts;
  const subjects = new SqlAuditSubjects(auditSubjectKeyWrap(masterKeyOf(config)));
  return Object.freeze({
    export: new MyDataExport({
      users: identity.users,
      apiKeys: parts.credentials.apiKeys,
      personal: new SqlPersonalData(database.db, subjects),
      audit,
      clock,
    }),
    erasure: new SelfErasure({
      users: identity.users,
      hasher: identity.hasher,
      // The login limiter's own keys on the same counters: these attempts and logins share the limits.
      limiter: new LoginLimiter(parts.rateLimiter, config.loginRateLimit),
      factor: identity.factor,
      mfa: identity.mfa,
      ownership: new SqlOrgOwnership(database.db),
      admin: identity.userAdmin,
      audit,
      clock,
    }),
  });
}
