/**
 * The backups' `rampart doctor` checks, read from the deployment's records (`backup_runs`,
 * `backup_drills`) without composing Rampart — the database is opened for them and closed:
 * - `backup-schedule`: warns when the server takes no scheduled backup (`RAMPART_BACKUP_SCHEDULE`);
 * - `backup-last`: reports the newest successful backup and the latest run's outcome; warns when
 *   there is none, when the latest run failed, or when the newest success is older than
 *   `RAMPART_BACKUP_MAX_AGE` under a schedule (`/readyz` fails then too);
 * - `restore-drill`: once the database exists, fails when no successful restore drill is newer than `RAMPART_DRILL_MAX_AGE`
 *   (default 90 days), or when the newest one's signed report does not verify under the master
 *   key (a forged or altered record is no evidence); a backup nobody restored is a hope.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, SQLITE_FILE, type SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { DoctorCheck } from '../../kernel/part.js';
import { latestBackupRun, latestDrill, type DrillRecord } from '../adapters/sql-backup-records.js';
import { verifyDocument } from '../crypto/backup-signature.js';
import { backupKeysOf } from '../services/backup-runtime.js';
import { DAY } from './schedule-spec.js';

/** `ms` as a short age: minutes, hours or days. */
export function ageText(ms: number): string {
  if (ms < 3_600_000) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (ms < 2 * DAY) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / DAY)} days`;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function scheduleCheck(config: RampartConfig): DoctorCheck {
  const name = 'backup-schedule';
  const spec = config.backupSchedule;
  if (spec === undefined) {
    return { name, status: 'warn', reason: 'no scheduled backups (RAMPART_BACKUP_SCHEDULE is off): only `rampart backup` takes one' };
  }
  const keep = `keep last ${config.backupKeepLast}, daily ${config.backupKeepDaily}, weekly ${config.backupKeepWeekly}`;
  const drill = config.drillSchedule === undefined ? 'no scheduled drill' : `drills ${config.drillSchedule.text}`;
  return { name, status: 'pass', reason: `${spec.text} UTC into ${config.backupDir} (${keep}); ${drill}` };
}

async function lastBackupCheck(config: RampartConfig, database: SqlDatabase, now: number): Promise<DoctorCheck> {
  const name = 'backup-last';
  const [success, latest] = await Promise.all([latestBackupRun(database.db, { ok: true }), latestBackupRun(database.db)]);
  if (success === undefined) return { name, status: 'warn', reason: 'no successful backup is recorded (rampart backup)' };
  const newest = `newest successful backup ${success.backup ?? '?'} at ${iso(success.finishedAt)} (${ageText(now - success.finishedAt)} ago)`;
  if (latest !== undefined && !latest.ok) {
    return {
      name,
      status: 'warn',
      reason: `the latest backup run failed (${latest.failure ?? 'unknown'}) at ${iso(latest.finishedAt)}; ${newest}`,
    };
  }
  if (config.backupSchedule !== undefined && now - success.finishedAt > config.backupMaxAge) {
    return { name, status: 'warn', reason: `${newest}: older than RAMPART_BACKUP_MAX_AGE (${ageText(config.backupMaxAge)})` };
  }
  return { name, status: 'pass', reason: newest };
}

/** Whether the record's signed report verifies under the deployment's master key; undefined when the key is not at hand. */
function drillVerifies(config: RampartConfig, drill: DrillRecord): boolean | undefined {
  let signing: Buffer;
  try {
    signing = backupKeysOf(config).signing.reveal();
  } catch {
    return undefined;
  }
  const { id: _id, signature, ...report } = drill;
  return verifyDocument(signing, 'drill-report', report, signature);
}

async function drillCheck(config: RampartConfig, database: SqlDatabase, now: number): Promise<DoctorCheck> {
  const name = 'restore-drill';
  const limit = `RAMPART_DRILL_MAX_AGE, ${ageText(config.drillMaxAge)}`;
  const drill = await latestDrill(database.db, { ok: true });
  if (drill === undefined)
    return { name, status: 'fail', reason: `no successful restore drill is recorded (rampart restore-drill; ${limit})` };
  const age = now - drill.finishedAt;
  const what = `newest successful restore drill of ${drill.backup} at ${iso(drill.finishedAt)} (${ageText(age)} ago, ${drill.checks.length} checks)`;
  const verified = drillVerifies(config, drill);
  if (verified === false) return { name, status: 'fail', reason: `the signed report of the ${what} does not verify under the master key` };
  if (age > config.drillMaxAge) return { name, status: 'fail', reason: `${what}: older than ${limit}` };
  return {
    name,
    status: 'pass',
    reason: verified === undefined ? `${what}; report not verified (no master key here)` : `${what}; report verified`,
  };
}

/** The backups' doctor checks for `config`; see the module comment. */
export async function backupDoctorChecks(config: RampartConfig, now = Date.now()): Promise<readonly DoctorCheck[]> {
  const checks: DoctorCheck[] = [scheduleCheck(config)];
  if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE))) {
    // A deployment not started yet has nothing to back up or drill: the drill check starts with the database.
    checks.push({
      name: 'restore-drill',
      status: 'warn',
      reason: 'no database yet: nothing to back up or drill (rampart migrate or serve creates it)',
    });
    return checks;
  }
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    checks.push(await lastBackupCheck(config, database, now));
    checks.push(await drillCheck(config, database, now));
  } catch {
    checks.push({ name: 'restore-drill', status: 'fail', reason: 'the backup and drill records could not be read (rampart migrate?)' });
  } finally {
    await database.close();
  }
  return checks;
}
