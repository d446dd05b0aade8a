/**
 * The audit actions the backups capability records (kernel/domain/audit-entry.ts, `AuditActions`).
 */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** A backup is taken (`rampart backup`, or the schedule); a failed one adds `not_applied:<code>`. */
    'backup.create': true;
    /** A backup is restored into this deployment's database (`rampart restore`). */
    'backup.restore': true;
    /** A restore drill ran; its outcome and signed report are in `backup_drills`. */
    'backup.drill': true;
    /** The drill canary account was created (once, by the first backup after the first user exists). */
    'backup.canary.create': true;
    /** Retention deleted scheduled backups (entry first, naming them); a failed deletion adds `not_applied:<code>`. */
    'backup.prune': true;
    /** An org's data was exported (`GET /api/v1/orgs/{org}/export`), recorded before anything is read. */
    'org.export': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const BACKUPS_AUDIT_ACTIONS = [
  'backup.create',
  'backup.restore',
  'backup.drill',
  'backup.canary.create',
  'backup.prune',
  'org.export',
] as const satisfies readonly AuditAction[];
