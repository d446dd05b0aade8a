/**
 * The server's scheduled backups and restore drills (issue 19, items 2 and 4's schedule and
 * doctor), on SQLite and PostgreSQL, with the real backup, drill, audit log and database:
 * - a due run happens once, is audited (`backup.create`) and recorded, and moves the metric;
 * - retention deletes exactly the documented files: the manifests and own parts of the backups no
 *   rule keeps — never a file a manifest names under another backup's id, a part without a
 *   manifest, a manifest it cannot read, or anything else — audited first (`backup.prune`);
 * - a run that cannot write (the directory is under a regular file) is alerted — error log,
 *   `failure` entry, failure counter — and `/readyz`'s `backup` check fails once the newest
 *   success is older than `RAMPART_BACKUP_MAX_AGE`;
 * - on PostgreSQL two instances ticking at once run the slot once (advisory lock);
 * - `rampart doctor` fails with no recent successful drill and passes after a scheduled drill.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDoctorChecks } from '../../src/backups/schedule/backup-doctor.js';
import type { Backups } from '../../src/backups/index.js';
import type { RampartConfig } from '../../src/kernel/config.js';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, tempDataDir, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const MASTER_KEY = Buffer.alloc(32, 0x24).toString('base64');
const H = 3_600_000;
const D = 24 * H;

function backupsOf(server: TestServer): Backups {
  return server.rampart.facade('backups');
}

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await server.rampart.metrics.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

for (const backend of await backends()) {
  describe(`scheduled backups on ${backend.name}`, () => {
    let store: BackendInstance;
    let dir: string;
    let env: Record<string, string>;
    let server: TestServer;
    let clock: FakeClock;
    const audit = new MemoryAuditLog();

    beforeAll(async () => {
      store = await backend.create();
      dir = join(tempDataDir('rampart-backups-'), 'scheduled');
      env = {
        ...ADMIN_ENV,
        RAMPART_MASTER_KEY: MASTER_KEY,
        RAMPART_BACKUP_SCHEDULE: 'every 6h',
        RAMPART_BACKUP_DIR: dir,
        RAMPART_BACKUP_KEEP_LAST: '2',
        RAMPART_BACKUP_KEEP_DAILY: '0',
        RAMPART_BACKUP_KEEP_WEEKLY: '0',
      };
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env, clock, audit });
      await login(server.app); // the bootstrap admin exists: the backup's drill canary may be created
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('backups 2: a due run writes a backup, is audited and recorded, moves the metric; the next tick is not due', async () => {
      const work = backupsOf(server).scheduledBackup;
      expect(work?.spec.text).toBe('every 6h');
      expect(await work?.tick()).toBe('succeeded');
      const files = readdirSync(dir);
      expect(files.filter((f) => f.endsWith('.manifest.json'))).toHaveLength(1);
      const created = audit.events().filter((e) => e.action === 'backup.create');
      expect(created).toEqual([expect.objectContaining({ result: 'success', actor: { type: 'system', id: null } })]);
      const runs = await server.stored.db.selectFrom('backup_runs').selectAll().execute();
      expect(runs.map((r) => Number(r.ok))).toEqual([1]);
      expect(await metric(server, 'rampart_backup_last_success_timestamp')).toBeGreaterThan(Date.now() / 1000 - 600);
      expect(await work?.tick()).toBe('not_due');
      expect(await server.stored.db.selectFrom('backup_runs').selectAll().execute()).toHaveLength(1);
      const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.json<{ checks: Record<string, string> }>().checks.backup).toBe('ok');
    });

    it('backups 2: retention deletes exactly the manifests and own parts of the backups no rule keeps, audited first', async () => {
      const [manifestName] = readdirSync(dir).filter((f) => f.endsWith('.manifest.json'));
      const real = JSON.parse(readFileSync(join(dir, manifestName ?? ''), 'utf8')) as Record<string, unknown> & {
        parts: { file: string }[];
      };
      const id = (n: string) => `bkp_${n.repeat(32)}`;
      const fake = (name: string, ageMs: number, parts: readonly string[]) => {
        const manifest = {
          ...real,
          id: id(name),
          created_at: Date.now() - ageMs,
          parts: parts.map((file) => ({ ...real.parts[0], file })),
        };
        writeFileSync(join(dir, `${id(name)}.manifest.json`), JSON.stringify(manifest), { mode: 0o600 });
        for (const file of parts) if (file.startsWith(id(name))) writeFileSync(join(dir, file), 'part', { mode: 0o600 });
      };
      fake('a', 2 * D, [`${id('a')}.0.rbk`]); // deleted: keep-last 2 holds the new backup and the first one
      fake('b', 3 * D, [`${id('b')}.0.rbk`, `${id('b')}.1.rbk`]); // deleted, both parts
      // Deleted, but the part it names under another backup's id (an orphan's) stays.
      fake('c', 4 * D, [`${id('c')}.0.rbk`, `${id('e')}.0.rbk`]);
      writeFileSync(join(dir, `${id('e')}.0.rbk`), 'orphan part: no manifest', { mode: 0o600 });
      writeFileSync(join(dir, `${id('f')}.manifest.json`), '{ not a manifest', { mode: 0o600 });
      writeFileSync(join(dir, `${id('f')}.0.rbk`), 'part of an unreadable manifest', { mode: 0o600 });
      writeFileSync(join(dir, 'notes.txt'), 'the operator’s', { mode: 0o600 });
      const before = new Set(readdirSync(dir));

      clock.advance(6 * H + 60_000); // past the slot: the last run started a little after this clock began
      expect(await backupsOf(server).scheduledBackup?.tick()).toBe('succeeded');

      const after = new Set(readdirSync(dir));
      const removed = [...before].filter((f) => !after.has(f)).sort();
      expect(removed).toEqual(
        [
          `${id('a')}.0.rbk`,
          `${id('a')}.manifest.json`,
          `${id('b')}.0.rbk`,
          `${id('b')}.1.rbk`,
          `${id('b')}.manifest.json`,
          `${id('c')}.0.rbk`,
          `${id('c')}.manifest.json`,
        ].sort(),
      );
      for (const stays of [
        `${id('e')}.0.rbk`,
        `${id('f')}.manifest.json`,
        `${id('f')}.0.rbk`,
        'notes.txt',
        manifestName ?? '',
        ...real.parts.map((p) => p.file),
      ]) {
        expect(after.has(stays), stays).toBe(true);
      }
      expect([...after].filter((f) => f.endsWith('.manifest.json') && !f.startsWith(id('f')))).toHaveLength(2);
      const pruned = audit.events().filter((e) => e.action === 'backup.prune');
      expect(pruned).toHaveLength(1);
      expect((pruned[0]?.details as { backups: string[] }).backups).toEqual([id('a'), id('b'), id('c')]);
    });

    it('backups 2: a run that cannot write is alerted (error log, failure entry, counter) and /readyz fails once the newest success is too old', async () => {
      await server.close();
      const file = join(tempDataDir('rampart-not-a-dir-'), 'file');
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, 'a regular file where the backup directory should be');
      const failing = new MemoryAuditLog();
      // Seven hours on (the runs above are recorded in real time): the next slot is due, the newest success 7 h old.
      clock = new FakeClock(Date.now() + 7 * H);
      server = await testServer(store, {
        env: { ...env, RAMPART_BACKUP_DIR: join(file, 'backups'), RAMPART_BACKUP_MAX_AGE: '8h' },
        clock,
        audit: failing,
      });
      const runs = async () => (await server.stored.db.selectFrom('backup_runs').selectAll().execute()).length;
      const before = await runs();
      expect(await backupsOf(server).scheduledBackup?.tick()).toBe('failed');
      expect(server.logs.text).toContain('scheduled backup FAILED');
      expect(failing.events().filter((e) => e.action === 'backup.create' && e.result === 'failure')).toHaveLength(1);
      expect(failing.events().find((e) => e.result === 'failure')?.reason).toMatch(/^not_applied:/);
      expect(await metric(server, 'rampart_backup_failures_total')).toBe(1);
      expect(await runs()).toBe(before + 1); // the failed run is recorded: the slot is taken, not retried every tick
      expect(await backupsOf(server).scheduledBackup?.tick()).toBe('not_due');

      const fresh = await server.app.inject({ method: 'GET', url: '/readyz' });
      expect(fresh.statusCode, fresh.body).toBe(200);
      clock.advance(2 * H); // now 9 h: past RAMPART_BACKUP_MAX_AGE
      const stale = await server.app.inject({ method: 'GET', url: '/readyz' });
      expect(stale.statusCode).toBe(503);
      expect(stale.json<{ checks: Record<string, string> }>().checks).toMatchObject({ backup: 'unavailable', database: 'ok' });
    });

    it.runIf(backend.name === 'postgres')('backups 2: two instances ticking at once run the slot once (advisory lock)', async () => {
      await server.close();
      // Both clocks ten minutes on: the slot is due for both.
      const later = Date.now() + 10 * 60_000;
      const both = [
        await testServer(store, { env: { ...env, RAMPART_BACKUP_SCHEDULE: 'every 5m' }, audit, clock: new FakeClock(later) }),
        await testServer(store, { env: { ...env, RAMPART_BACKUP_SCHEDULE: 'every 5m' }, audit, clock: new FakeClock(later) }),
      ];
      try {
        const count = async () => (await both[0]!.stored.db.selectFrom('backup_runs').selectAll().execute()).length;
        const before = await count();
        const outcomes = await Promise.all(both.map((s) => backupsOf(s).scheduledBackup!.tick()));
        expect(outcomes.filter((o) => o === 'succeeded')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'skipped' || o === 'not_due')).toHaveLength(1);
        expect(await count()).toBe(before + 1);
      } finally {
        for (const s of both) await s.close();
      }
    });

    it('backups 4: doctor fails with no successful drill, passes once a scheduled drill restored the newest backup', async () => {
      await server.close();
      const drillEnv = { ...env, RAMPART_DRILL_SCHEDULE: 'every 7d' };
      const config: RampartConfig = testConfig(store, drillEnv);
      const before = await backupDoctorChecks(config);
      expect(before.find((c) => c.name === 'restore-drill')).toMatchObject({
        status: 'fail',
        reason: expect.stringContaining('no successful restore drill'),
      });
      expect(before.find((c) => c.name === 'backup-schedule')?.status).toBe('pass');

      server = await testServer(store, { env: drillEnv, audit });
      expect(await backupsOf(server).scheduledDrill?.tick()).toBe('succeeded');
      expect(audit.events().filter((e) => e.action === 'backup.drill')).toEqual([expect.objectContaining({ result: 'success' })]);
      expect(await metric(server, 'rampart_backup_drill_last_success_timestamp')).toBeGreaterThan(0);
      expect(await backupsOf(server).scheduledDrill?.tick()).toBe('not_due');

      const after = await backupDoctorChecks(config);
      expect(after.find((c) => c.name === 'restore-drill')).toMatchObject({
        status: 'pass',
        reason: expect.stringContaining('report verified'),
      });
      expect(after.find((c) => c.name === 'backup-last')?.reason).toContain('newest successful backup');
      // Past RAMPART_DRILL_MAX_AGE the same drill no longer counts.
      const later = await backupDoctorChecks(config, Date.now() + 91 * D);
      expect(later.find((c) => c.name === 'restore-drill')).toMatchObject({
        status: 'fail',
        reason: expect.stringContaining('older than'),
      });
    }, 240_000);
  });
}

describe('backups 2: without a schedule', () => {
  it('backups 2: doctor warns that only manual backups are taken, and before the first start that there is nothing to drill yet', async () => {
    const config = testConfig({ env: { RAMPART_DATA_DIR: tempDataDir() } });
    const checks = await backupDoctorChecks(config);
    expect(checks.find((c) => c.name === 'backup-schedule')?.status).toBe('warn');
    // Before the first start there is no database: nothing to drill yet, a warning (doctor still exits 0).
    expect(checks.find((c) => c.name === 'restore-drill')).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('no database yet'),
    });
  });
});
