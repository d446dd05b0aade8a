/**
 * The audit capability's public face: the tamper-evident log (RFC 9162 tree, signed C2SP
 * checkpoints, personal fields sealed per subject), its routes and its `rampart audit` commands.
 * Later capabilities record through `Auditing.log` (the kernel's `AuditLog` port) and reach
 * nothing else here but what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { AUDIT_PROCESSING, AUDIT_RETENTION } from './domain/privacy.js';
import { auditCommand } from './cli/audit-command.js';
import { composeAuditPart, type Auditing } from './compose.js';
import { AUDIT_VARIABLES } from './config.js';
import { AUDIT_EVENT_TYPES } from './domain/events.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { AUDIT_VARIABLES } from './config.js';

export type { Auditing } from './compose.js';
export type { AuditService } from './services/audit-service.js';
export type { AuditEntryView } from './ports/audit-reader.js';
export type { AuditEntryLocator, LocatedAuditEntry } from './ports/audit-entry-locator.js';
export type { InclusionProof } from './services/audit-service.js';
export type { ApiRead } from './services/read-audit.js';
export type { AuditReads } from './config.js';
export type { AlertChannel, AlertRule, RaisedAlert } from './services/audit-alerts.js';
export type { AlertCounter } from './ports/alert-counter.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { AUDIT_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { AUDIT_EVENT_TYPES } from './domain/events.js';

declare module '../kernel/part.js' {
  interface Facades {
    audit: Auditing;
  }
  interface RampartOptions {
    /**
     * Record `config.start` (the configuration's digest and changed keys) when composing: the
     * standalone server sets it (src/serve.ts); an embedding application may too.
     */
    readonly recordConfigStart?: boolean;
  }
}

export const audit: Capability<'audit'> = {
  name: 'audit',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  retention: AUDIT_RETENTION,
  privacy: AUDIT_PROCESSING,
  keptOrgTables: { audit_entries: 'the audit log is append-only and deployment-wide' },
  variables: AUDIT_VARIABLES,
  eventTypes: AUDIT_EVENT_TYPES,
  commands(program, context) {
    program.addCommand(auditCommand(context.run));
  },
  compose: (kernel) => composeAuditPart(kernel),
};
export { SqlAuditSubjects, type ReadEntry } from './adapters/sql-audit-subjects.js';
export { auditSubjectKeyWrap, composeAudit } from './compose.js';
export { EXPORT_AUDIT_LIMIT } from './routes/personal-data.js';
