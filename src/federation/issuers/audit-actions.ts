/**
 * The trusted issuers' audit actions: declared, with the federation's others, in
 * src/federation/domain/audit-actions.ts (the one file per capability that adds to `AuditActions`).
 */
export { ISSUER_AUDIT_ACTIONS } from '../domain/audit-actions.js';
