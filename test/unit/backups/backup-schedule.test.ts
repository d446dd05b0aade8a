/**
 * The pure rules of the server's backup schedule (issue 19, item 2): the schedule and duration
 * syntax of `RAMPART_BACKUP_SCHEDULE` / `_MAX_AGE`, when a run is due, and which backups the
 * keep-last/daily/weekly retention deletes.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { backupsToPrune, isoWeekKey, type RetainedBackup } from '../../../src/backups/schedule/retention.js';
import { isDue, nextDue, parseDuration, parseSchedule } from '../../../src/backups/schedule/schedule-spec.js';

const H = 3_600_000;
const D = 24 * H;
const at = (iso: string): number => Date.parse(iso);

describe('backups 2: the schedule syntax', () => {
  it('backups 2: accepts "daily HH:MM" (UTC) and "every <n>m|h|d", and refuses anything else naming the forms', () => {
    expect(parseSchedule('daily 02:30')).toMatchObject({ kind: 'daily', minuteOfDay: 150 });
    expect(parseSchedule('  every   6h ')).toMatchObject({ kind: 'every', ms: 6 * H, text: 'every 6h' });
    expect(parseSchedule('every 7d')).toMatchObject({ kind: 'every', ms: 7 * D });
    for (const bad of ['daily 24:00', 'daily 2:30', 'every 1m', 'every 0h', 'every 6', 'hourly', '0 2 * * *', 'every 6h; rm -rf /']) {
      expect(() => parseSchedule(bad), bad).toThrow(/daily HH:MM|every|at least|duration/);
    }
  });

  it('backups 2: durations are <n>m|h|d within 1m..3650d', () => {
    expect(parseDuration('36h')).toBe(36 * H);
    expect(parseDuration('90d')).toBe(90 * D);
    for (const bad of ['0d', '1y', '-1d', '1.5h', '', '99999999d']) expect(() => parseDuration(bad), bad).toThrow();
  });

  it('backups 2: the variables: off by default, the backup dir under the data dir, max age twice the period, drill age 90 days', () => {
    const defaults = loadConfig({ env: { RAMPART_DATA_DIR: '/srv/rampart' } });
    expect(defaults.backupSchedule).toBeUndefined();
    expect(defaults.drillSchedule).toBeUndefined();
    expect(defaults.backupDir).toBe('/srv/rampart/backups');
    expect([defaults.backupKeepLast, defaults.backupKeepDaily, defaults.backupKeepWeekly]).toEqual([7, 7, 4]);
    expect(defaults.drillMaxAge).toBe(90 * D);
    const set = loadConfig({ env: { RAMPART_BACKUP_SCHEDULE: 'every 6h', RAMPART_DRILL_SCHEDULE: 'off' } });
    expect(set.backupMaxAge).toBe(12 * H);
    expect(set.drillSchedule).toBeUndefined();
    expect(() => loadConfig({ env: { RAMPART_BACKUP_SCHEDULE: 'sometimes' } })).toThrow(/RAMPART_BACKUP_SCHEDULE/);
    expect(() => loadConfig({ env: { RAMPART_BACKUP_KEEP_LAST: '0' } })).toThrow(/RAMPART_BACKUP_KEEP_LAST/);
  });
});

describe('backups 2: when a run is due', () => {
  const daily = parseSchedule('daily 02:30');
  const every = parseSchedule('every 6h');

  it('backups 2: daily: due once the latest 02:30 UTC has passed and nothing started since; the first ever run is due at once', () => {
    const now = at('2026-03-10T12:00:00Z');
    expect(isDue(daily, now, undefined)).toBe(true);
    expect(isDue(daily, now, at('2026-03-10T02:30:05Z'))).toBe(false);
    expect(isDue(daily, now, at('2026-03-09T02:30:00Z'))).toBe(true);
    // Before today's slot, yesterday's slot counts.
    expect(isDue(daily, at('2026-03-10T01:00:00Z'), at('2026-03-09T02:31:00Z'))).toBe(false);
    expect(nextDue(daily, now, at('2026-03-10T02:30:05Z'))).toBe(at('2026-03-11T02:30:00Z'));
  });

  it('backups 2: every: due once the interval has passed since the latest start (a failed run takes its slot too)', () => {
    const last = at('2026-03-10T00:00:00Z');
    expect(isDue(every, last + 6 * H - 1, last)).toBe(false);
    expect(isDue(every, last + 6 * H, last)).toBe(true);
    expect(nextDue(every, last + H, last)).toBe(last + 6 * H);
  });
});

describe('backups 2: retention (keep-last, keep-daily, keep-weekly)', () => {
  const ids = (list: readonly RetainedBackup[]) => list.map((b) => b.id);

  it('backups 2: ISO weeks start on Monday and week 1 holds the first Thursday', () => {
    expect(isoWeekKey(at('2026-01-01T12:00:00Z'))).toBe('2026-W01'); // a Thursday
    expect(isoWeekKey(at('2025-12-29T00:00:00Z'))).toBe('2026-W01'); // its Monday
    expect(isoWeekKey(at('2027-01-01T00:00:00Z'))).toBe('2026-W53'); // a Friday
    expect(isoWeekKey(at('2026-03-08T23:59:59Z'))).toBe('2026-W10'); // a Sunday
    expect(isoWeekKey(at('2026-03-09T00:00:00Z'))).toBe('2026-W11');
  });

  it('backups 2: keeps the newest n, the newest of each of the latest daily days and weekly weeks, and deletes exactly the rest', () => {
    // Four backups a day (00, 06, 12, 18 h) from 2026-02-01 to 2026-03-10: 38 days, 152 backups.
    const backups: RetainedBackup[] = [];
    for (let day = 0; day < 38; day += 1) {
      for (const hour of [0, 6, 12, 18])
        backups.push({ id: `b${day}-${hour}`, createdAt: at('2026-02-01T00:00:00Z') + day * D + hour * H });
    }
    const pruned = backupsToPrune(backups, { keepLast: 3, keepDaily: 4, keepWeekly: 3 });
    const kept = backups.filter((b) => !ids(pruned).includes(b.id)).map((b) => b.id);
    // Last 3: day 37 at 18, 12, 06. Daily 4: the newest of days 37, 36, 35, 34. Weekly 3: the newest of
    // the weeks of day 37 (Tue 2026-03-10, W11), W10 (Sun 2026-03-08 = day 35) and W09 (Sun 2026-03-01 = day 28).
    expect(kept.sort()).toEqual(['b28-18', 'b34-18', 'b35-18', 'b36-18', 'b37-12', 'b37-18', 'b37-6'].sort());
    expect(pruned).toHaveLength(152 - 7);
  });

  it('backups 2: with fewer backups than the rules ask for, nothing is deleted; keep-daily 0 and weekly 0 leave keep-last alone', () => {
    const three = [0, 1, 2].map((i) => ({ id: `b${i}`, createdAt: at('2026-03-01T00:00:00Z') + i * D }));
    expect(backupsToPrune(three, { keepLast: 7, keepDaily: 7, keepWeekly: 4 })).toEqual([]);
    expect(ids(backupsToPrune(three, { keepLast: 1, keepDaily: 0, keepWeekly: 0 }))).toEqual(['b1', 'b0']);
  });
});
