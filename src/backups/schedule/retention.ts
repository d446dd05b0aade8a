/**
 * Which backups retention keeps (`RAMPART_BACKUP_KEEP_LAST`, `_KEEP_DAILY`, `_KEEP_WEEKLY`), the
 * rules restic's `forget` made familiar. Pure: no clock, no I/O. Backups are taken newest first
 * (by creation time, then id); a backup is kept when any rule holds it, deleted otherwise:
 * - keep-last n: the n newest;
 * - keep-daily n: the newest of each of the n latest UTC days that have a backup;
 * - keep-weekly n: the newest of each of the n latest ISO 8601 weeks (UTC) that have a backup.
 */

export interface RetentionPolicy {
  readonly keepLast: number;
  readonly keepDaily: number;
  readonly keepWeekly: number;
}

/** A backup as retention sees it: its id and when it was made (ms). */
export interface RetainedBackup {
  readonly id: string;
  readonly createdAt: number;
}

const DAY = 86_400_000;

/** The UTC day of `ms`: days since the epoch. */
export function dayKey(ms: number): string {
  return String(Math.floor(ms / DAY));
}

/** The ISO 8601 week of `ms` (UTC) as `YYYY-Www`: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeekKey(ms: number): string {
  const date = new Date(Math.floor(ms / DAY) * DAY);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ids to keep under the rule "the newest of each of the `count` latest periods". */
function newestPerPeriod(sorted: readonly RetainedBackup[], count: number, key: (ms: number) => string): Set<string> {
  const kept = new Set<string>();
  const periods = new Set<string>();
  for (const backup of sorted) {
    if (periods.size >= count) break;
    const period = key(backup.createdAt);
    if (periods.has(period)) continue;
    periods.add(period);
    kept.add(backup.id);
  }
  return kept;
}

/** The backups no rule keeps, newest first: what retention deletes. */
export function backupsToPrune(backups: readonly RetainedBackup[], policy: RetentionPolicy): readonly RetainedBackup[] {
  const sorted = [...backups].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const kept = new Set(sorted.slice(0, policy.keepLast).map((backup) => backup.id));
  for (const id of newestPerPeriod(sorted, policy.keepDaily, dayKey)) kept.add(id);
  for (const id of newestPerPeriod(sorted, policy.keepWeekly, isoWeekKey)) kept.add(id);
  return sorted.filter((backup) => !kept.has(backup.id));
}
