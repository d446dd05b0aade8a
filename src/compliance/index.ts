/**
 * The compliance capability's public face (issue 22 items 2 and 6): retention of personal data
 * with secure defaults and its purge (`rampart privacy purge`, and on schedule), minimised
 * collection of addresses and user agents (`RAMPART_COLLECT_IP`, `RAMPART_COLLECT_USER_AGENT`),
 * the record of processing (`rampart privacy record`), the access review and its attestations
 * (`GET /api/v1/orgs/{org}/access-review`, `rampart access-review`), and the go-live checks of
 * `rampart doctor`. Composed last: it reads every capability's declarations (`Capability.retention`,
 * `Capability.privacy`) and the audit log.
 */
import type { Capability } from '../kernel/part.js';
import { registerComplianceCommands } from './cli/commands.js';
import { composeCompliancePart, type Compliance } from './compose.js';
import { COMPLIANCE_VARIABLES } from './config.js';

export { type Compliance } from './compose.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { COMPLIANCE_VARIABLES } from './config.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { COMPLIANCE_AUDIT_ACTIONS } from './domain/audit-actions.js';

declare module '../kernel/part.js' {
  interface Facades {
    compliance: Compliance;
  }
}

export const compliance: Capability<'compliance'> = {
  name: 'compliance',
  tenantTables: ['access_review_attestations'],
  variables: COMPLIANCE_VARIABLES,
  // The kernel's own personal data (it cannot know about retention): the stored answers of idempotent requests.
  retention: [
    {
      kind: 'idempotency_records',
      table: 'idempotency_keys',
      ended: ['expires_at'],
      variable: 'RAMPART_RETENTION_IDEMPOTENCY_DAYS',
      defaultDays: 1,
      description: 'stored answers of idempotent requests, after they expire',
    },
  ],
  privacy: [
    {
      name: 'Idempotent request replay',
      purpose: 'Answer a retried request (Idempotency-Key) with the answer already given instead of acting twice',
      legalBasis: 'contract',
      subjects: 'callers of the API',
      fields: { idempotency_keys: ['scope', 'body'] },
      retention: ['idempotency_records'],
      recipients: ['none'],
    },
    {
      name: 'Access reviews',
      purpose: "Record that an org's access was reviewed, by whom, with the reviewer's note",
      legalBasis: 'legitimate_interests',
      subjects: 'reviewers (members, or the operator)',
      fields: { access_review_attestations: ['actor_id', 'note'] },
      retention: 'kept with the org (deleted with it)',
      recipients: ['none'],
    },
  ],
  commands: registerComplianceCommands,
  // Loaded only when `rampart doctor` runs.
  doctor: async (config) => (await import('./doctor/go-live-doctor.js')).goLiveDoctorChecks(config),
  compose: (kernel, earlier) => composeCompliancePart(kernel, earlier),
};
