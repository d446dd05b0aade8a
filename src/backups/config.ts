/**
 * The backups capability's variables: the server's backup and restore-drill schedules, where the
 * scheduled backups go, how many are kept, and the ages past which `/readyz` (backups) and
 * `rampart doctor` (drills) complain. Listed on the `backups` capability (`backups/index.ts`);
 * their keys join the kernel's `RampartConfig` here (declaration merging). Schedules are off by
 * default: turning them on is a deliberate choice of where the backups live.
 */
import { join, resolve } from 'node:path';
import { integer, optional, type ConfigVariable } from '../kernel/config.js';
import { DAY, parseDuration, parseSchedule, periodOf, type ScheduleSpec } from './schedule/schedule-spec.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** When the server takes a backup, or undefined: never (`rampart backup` only). */
    readonly backupSchedule: ScheduleSpec | undefined;
    /** Where scheduled backups (and drills' default source) live. */
    readonly backupDir: string;
    /** Retention: the newest this many backups are kept. */
    readonly backupKeepLast: number;
    /** Retention: the newest backup of each of the latest this many days that have one is kept. */
    readonly backupKeepDaily: number;
    /** Retention: the newest backup of each of the latest this many ISO weeks that have one is kept. */
    readonly backupKeepWeekly: number;
    /** Ms past which, with a schedule, no successful backup fails `/readyz`'s `backup` check. */
    readonly backupMaxAge: number;
    /** When the server runs a restore drill of the newest backup, or undefined: never. */
    readonly drillSchedule: ScheduleSpec | undefined;
    /** Ms past which no successful drill fails `rampart doctor`. */
    readonly drillMaxAge: number;
  }
}

const schedule = optional((value) => (value === 'off' ? undefined : parseSchedule(value)));

/** The backups variables, in README order. Each entry is the one place its variable is documented. */
export const BACKUPS_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'backupSchedule',
    env: 'RAMPART_BACKUP_SCHEDULE',
    defaultText: 'off',
    description:
      'When the server takes an encrypted backup into `RAMPART_BACKUP_DIR`: `daily HH:MM` (UTC, e.g. `daily 02:30`) or `every <n>m`, `<n>h` or `<n>d` (e.g. `every 6h`; at least `every 5m`); `off` or unset: never (only `rampart backup`). With several instances on PostgreSQL one runs each slot (an advisory lock); each run is audited (`backup.run`), a failure is logged, audited and shows in `rampart_backup_last_success_timestamp`; retention runs after each success.',
    parse: schedule,
  },
  {
    key: 'backupDir',
    env: 'RAMPART_BACKUP_DIR',
    defaultText: 'backups in the data dir',
    description:
      'Where scheduled backups are written (made 0700), and the backups scheduled drills restore from. Best on other storage than the database.',
    parse: (raw, partial) => {
      const value = raw?.trim();
      if (value === undefined || value === '') return join(partial.dataDir ?? resolve('./data'), 'backups');
      return resolve(value);
    },
  },
  {
    key: 'backupKeepLast',
    env: 'RAMPART_BACKUP_KEEP_LAST',
    defaultText: '7',
    description:
      'Retention after each scheduled backup: the newest this many backups in `RAMPART_BACKUP_DIR` are kept (1 to 1000). A backup is deleted only when no keep rule holds it.',
    parse: integer(1, 1000, 7),
  },
  {
    key: 'backupKeepDaily',
    env: 'RAMPART_BACKUP_KEEP_DAILY',
    defaultText: '7',
    description: 'Retention: the newest backup of each of the latest this many UTC days that have a backup is kept (0 to 1000).',
    parse: integer(0, 1000, 7),
  },
  {
    key: 'backupKeepWeekly',
    env: 'RAMPART_BACKUP_KEEP_WEEKLY',
    defaultText: '4',
    description: 'Retention: the newest backup of each of the latest this many ISO weeks (UTC) that have a backup is kept (0 to 1000).',
    parse: integer(0, 1000, 4),
  },
  {
    key: 'backupMaxAge',
    env: 'RAMPART_BACKUP_MAX_AGE',
    defaultText: 'twice the schedule period',
    description:
      "With `RAMPART_BACKUP_SCHEDULE` set: when the newest successful backup is older than this (`30m`, `36h`, `2d`…; a deployment that never had one counts from the server's start), `/readyz` fails its `backup` check.",
    parse: (raw, partial) => {
      const value = raw?.trim();
      if (value !== undefined && value !== '') return parseDuration(value);
      const spec = partial.backupSchedule;
      return spec === undefined ? 2 * DAY : 2 * periodOf(spec);
    },
  },
  {
    key: 'drillSchedule',
    env: 'RAMPART_DRILL_SCHEDULE',
    defaultText: 'off',
    description:
      'When the server runs `rampart restore-drill` on the newest backup in `RAMPART_BACKUP_DIR`: the same forms as `RAMPART_BACKUP_SCHEDULE` (e.g. `every 7d`); `off` or unset: never. Each drill is audited (`backup.drill`) and its signed report recorded.',
    parse: schedule,
  },
  {
    key: 'drillMaxAge',
    env: 'RAMPART_DRILL_MAX_AGE',
    defaultText: '90d',
    description: '`rampart doctor` fails when no successful restore drill is newer than this (`30m`, `36h`, `90d`…).',
    parse: (raw) => (raw === undefined || raw.trim() === '' ? 90 * DAY : parseDuration(raw)),
  },
];
