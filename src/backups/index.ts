/**
 * The backups capability's public face (issue 19): encrypted backups, restore and restore drills
 * (`rampart backup`, `rampart restore`, `rampart restore-drill`), the server's scheduled backups
 * and drills with their `/readyz` probe and metrics, the `rampart doctor` checks of backups and
 * drills, and the org export (`GET /api/v1/orgs/{org}/export`). It is composed last: it reads the
 * audit log, identity (the drill canary) and every capability's export sections.
 */
import type { Capability } from '../kernel/part.js';
import { BACKUPS_PROCESSING } from './domain/privacy.js';
import { registerBackupCommands } from './cli/commands.js';
import { composeBackupsPart, type Backups } from './compose.js';
import { BACKUPS_VARIABLES } from './config.js';

export { type Backups } from './compose.js';

// The one-run-at-a-time lock of scheduled work, for the compliance capability's retention purge.
export { RunLock, type LockedRun } from './schedule/run-lock.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { BACKUPS_VARIABLES } from './config.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { BACKUPS_AUDIT_ACTIONS } from './domain/audit-actions.js';

declare module '../kernel/part.js' {
  interface Facades {
    backups: Backups;
  }
}

export const backups: Capability<'backups'> = {
  name: 'backups',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  privacy: BACKUPS_PROCESSING,
  variables: BACKUPS_VARIABLES,
  commands: registerBackupCommands,
  // Loaded only when `rampart doctor` runs.
  doctor: async (config) => (await import('./schedule/backup-doctor.js')).backupDoctorChecks(config),
  compose: (kernel, earlier) => composeBackupsPart(kernel, earlier),
};
