/**
 * When scheduled work is due (`RAMPART_BACKUP_SCHEDULE`, `RAMPART_DRILL_SCHEDULE`) and how long
 * things may get (`RAMPART_BACKUP_MAX_AGE`, `RAMPART_DRILL_MAX_AGE`). Pure: no clock, no I/O.
 *
 * Two schedule forms, both in UTC:
 * - `daily HH:MM`: once a day at that time (`daily 02:30`). A run is due once the latest such
 *   time has passed and no run started since it.
 * - `every <n><unit>` (`every 6h`, `every 30m`, `every 7d`): a run is due once that long has
 *   passed since the latest run started (or at once, when none ever did).
 * A run that fails still takes its slot: the next try is the next slot (a failure is alerted,
 * not retried in a loop). Durations are `<n>m`, `<n>h` or `<n>d`.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A parsed schedule. */
export type ScheduleSpec =
  | { readonly kind: 'daily'; readonly minuteOfDay: number; readonly text: string }
  | { readonly kind: 'every'; readonly ms: number; readonly text: string };

const UNITS: Readonly<Record<string, number>> = { m: MINUTE, h: HOUR, d: DAY };

/** The shortest interval a schedule accepts: a backup every few seconds is a mistake, not a policy. */
export const MIN_INTERVAL_MS = 5 * MINUTE;
const MAX_DURATION_MS = 3650 * DAY;

/** `text` (`36h`, `90d`, `30m`) in ms; throws a message saying what is expected. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  const unit = match?.[2] === undefined ? undefined : UNITS[match[2]];
  if (match === null || unit === undefined) throw new Error('must be a duration such as 30m, 36h or 90d');
  const ms = Number(match[1]) * unit;
  if (ms <= 0 || ms > MAX_DURATION_MS) throw new Error('must be a duration from 1m to 3650d');
  return ms;
}

/** `text` as a schedule; throws a message saying what is expected. */
export function parseSchedule(text: string): ScheduleSpec {
  const value = text.trim().replace(/\s+/g, ' ');
  const daily = /^daily ([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (daily !== null) return { kind: 'daily', minuteOfDay: Number(daily[1]) * 60 + Number(daily[2]), text: value };
  const every = /^every (\S+)$/.exec(value);
  if (every?.[1] !== undefined) {
    const ms = parseDuration(every[1]);
    if (ms < MIN_INTERVAL_MS) throw new Error('must be at least every 5m');
    return { kind: 'every', ms, text: value };
  }
  throw new Error('must be "daily HH:MM" (UTC) or "every <n>m|h|d", e.g. "daily 02:30" or "every 6h"');
}

/** The schedule's period: a day for `daily`. */
export function periodOf(spec: ScheduleSpec): number {
  return spec.kind === 'daily' ? DAY : spec.ms;
}

/** The latest `daily` slot at or before `now`. */
function latestDailySlot(minuteOfDay: number, now: number): number {
  const today = Math.floor(now / DAY) * DAY + minuteOfDay * MINUTE;
  return today <= now ? today : today - DAY;
}

/** Whether a run is due at `now`, given when the latest run (any outcome) started, if any. */
export function isDue(spec: ScheduleSpec, now: number, lastStartedAt: number | undefined): boolean {
  if (spec.kind === 'every') return lastStartedAt === undefined || now - lastStartedAt >= spec.ms;
  const slot = latestDailySlot(spec.minuteOfDay, now);
  return lastStartedAt === undefined ? true : lastStartedAt < slot;
}

/** When the next run falls due after `now` (for the timer and the logs). */
export function nextDue(spec: ScheduleSpec, now: number, lastStartedAt: number | undefined): number {
  if (isDue(spec, now, lastStartedAt)) return now;
  if (spec.kind === 'every') return (lastStartedAt ?? now) + spec.ms;
  return latestDailySlot(spec.minuteOfDay, now) + DAY;
}
