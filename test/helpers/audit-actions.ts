/**
 * The audit actions each capability declares (its `domain/audit-actions.ts`, re-exported from its
 * `index.ts`), by capability folder: what test/unit/audit-actions.test.ts keeps complete and what
 * test/integration/audit-coverage.test.ts checks the running server's entries against.
 */
import { AUDIT_AUDIT_ACTIONS } from '../../src/audit/index.js';
import { BACKUPS_AUDIT_ACTIONS } from '../../src/backups/index.js';
import { COMPLIANCE_AUDIT_ACTIONS } from '../../src/compliance/index.js';
import { CREDENTIALS_AUDIT_ACTIONS } from '../../src/credentials/index.js';
import { FEDERATION_AUDIT_ACTIONS } from '../../src/federation/index.js';
import { IDENTITY_AUDIT_ACTIONS } from '../../src/identity/index.js';
import { JOBS_AUDIT_ACTIONS } from '../../src/jobs/index.js';
import type { AuditAction } from '../../src/kernel/domain/audit-entry.js';
import { LICENCES_AUDIT_ACTIONS } from '../../src/licences/index.js';
import { MAIL_AUDIT_ACTIONS } from '../../src/mail/index.js';
import { MY_DATA_AUDIT_ACTIONS } from '../../src/my-data/index.js';
import { PASSKEYS_AUDIT_ACTIONS } from '../../src/passkeys/index.js';
import { SECRETS_AUDIT_ACTIONS } from '../../src/secrets/index.js';
import { SIGNING_AUDIT_ACTIONS } from '../../src/signing/index.js';
import { TENANCY_AUDIT_ACTIONS } from '../../src/tenancy/index.js';
import { WEBHOOKS_AUDIT_ACTIONS } from '../../src/webhooks/index.js';

export const AUDIT_ACTIONS_BY_CAPABILITY = {
  audit: AUDIT_AUDIT_ACTIONS,
  secrets: SECRETS_AUDIT_ACTIONS,
  mail: MAIL_AUDIT_ACTIONS,
  identity: IDENTITY_AUDIT_ACTIONS,
  tenancy: TENANCY_AUDIT_ACTIONS,
  credentials: CREDENTIALS_AUDIT_ACTIONS,
  'my-data': MY_DATA_AUDIT_ACTIONS,
  federation: FEDERATION_AUDIT_ACTIONS,
  passkeys: PASSKEYS_AUDIT_ACTIONS,
  signing: SIGNING_AUDIT_ACTIONS,
  licences: LICENCES_AUDIT_ACTIONS,
  jobs: JOBS_AUDIT_ACTIONS,
  webhooks: WEBHOOKS_AUDIT_ACTIONS,
  backups: BACKUPS_AUDIT_ACTIONS,
  compliance: COMPLIANCE_AUDIT_ACTIONS,
} as const satisfies Readonly<Record<string, readonly AuditAction[]>>;

type Listed = (typeof AUDIT_ACTIONS_BY_CAPABILITY)[keyof typeof AUDIT_ACTIONS_BY_CAPABILITY][number];

/**
 * Compile-time: every action of the `AuditActions` union is in a list above (the type checker
 * fails here, naming nothing but the line, when one is declared and not listed; the unit test
 * names it).
 */
export const LISTS_COVER_THE_UNION: [Exclude<AuditAction, Listed>] extends [never] ? true : false = true;

/** Every declared action, in capability order. */
export const DECLARED_AUDIT_ACTIONS: readonly AuditAction[] = Object.values(AUDIT_ACTIONS_BY_CAPABILITY).flat();
