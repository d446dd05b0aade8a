/**
 * Backups, restores and restore drills (issue 19, items 1, 3, 4) on SQLite and PostgreSQL, with a
 * real server writing meanwhile: a backup taken under concurrent writes restores to a state that
 * existed; a backup whose file is flipped, truncated, paired with another backup's manifest or
 * opened with another master key is refused with its reason and nothing is restored; a restore over
 * data is refused; the drill passes on a good backup (the canary signs in to a scratch server) and
 * fails naming the check on a corrupted one; the files hold no secret value, token or hash.
 */
import { readdirSync, readFileSync, truncateSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { backupPorts } from '../../src/backups/adapters/backup-ports.js';
import { IdentityCanaryAccounts } from '../../src/backups/adapters/identity-canary-accounts.js';
import { createBackup } from '../../src/backups/services/backup.js';
import { BackupRefusedError } from '../../src/backups/services/backup-verification.js';
import { drillReportAuthentic, runRestoreDrill } from '../../src/backups/services/drill.js';
import { restoreBackup } from '../../src/backups/services/restore.js';
import type { RampartConfig } from '../../src/kernel/config.js';
import { backends, tempDataDir, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, ADMIN_PASSWORD, login, type Grant } from '../helpers/identity.js';
import { as, createOrg, type OrgBody } from '../helpers/orgs.js';
import { testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const MASTER_KEY = Buffer.alloc(32, 0x42).toString('base64');
const ports = backupPorts();
const OTHER_KEY = Buffer.alloc(32, 0x43).toString('base64');
const SECRET_VALUE = 'backup-test plaintext secret value 7f3a9c';

/** A fresh empty store of the same backend for a restore (its own data directory; on PostgreSQL its own database). */
async function emptyTarget(backend: { create(): Promise<BackendInstance> }): Promise<BackendInstance> {
  return backend.create();
}

async function refusal(work: Promise<unknown>): Promise<BackupRefusedError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupRefusedError);
  return error as BackupRefusedError;
}

async function tableCount(instance: BackendInstance): Promise<number> {
  if (instance.databaseUrl === undefined) return existsSync(join(instance.dataDir, 'rampart.db')) ? 1 : 0;
  const client = new pg.Client({ connectionString: instance.databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>("select count(*) as n from information_schema.tables where table_schema = 'public'");
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

for (const backend of await backends()) {
  describe(`backups on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let config: RampartConfig;
    let admin: Grant;
    let org: OrgBody;
    let dir: string;
    let manifest: string;
    const targets: BackendInstance[] = [];

    const target = async (key = MASTER_KEY): Promise<{ instance: BackendInstance; config: RampartConfig }> => {
      const instance = await emptyTarget(backend);
      targets.push(instance);
      return { instance, config: testConfig(instance, { RAMPART_MASTER_KEY: key }) };
    };

    beforeAll(async () => {
      store = await backend.create();
      const env = { ...ADMIN_ENV, RAMPART_MASTER_KEY: MASTER_KEY };
      server = await testServer(store, { env });
      config = testConfig(store, env);
      admin = await login(server.app);
      org = await createOrg(server.app, admin);
      const put = await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/secrets/db-password`, { value: SECRET_VALUE });
      expect(put.statusCode, put.body).toBeLessThan(300);
      dir = join(tempDataDir('rampart-backups-'), 'backups');
    }, 60_000);

    afterAll(async () => {
      await server?.close();
      for (const instance of targets) await instance.cleanup();
      await store?.cleanup();
    });

    it('backups 1: a backup taken under concurrent writes holds a state that existed, in 0600 files of a 0700 directory', async () => {
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing) {
          const response = await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/secrets/concurrent-${written}`, {
            value: `v${written}`,
          });
          expect(response.statusCode, response.body).toBeLessThan(300);
          written += 1;
        }
      })();
      const report = await createBackup(config, { ports, dir, canary: new IdentityCanaryAccounts(server.rampart.facade('identity')) });
      writing = false;
      await writer;
      manifest = report.manifest;
      expect(written).toBeGreaterThan(0);
      // A state that existed: each secret has its versions, and each version's audit entry is there.
      expect(report.tables.secret_versions).toBe(report.tables.secrets);
      expect(report.tables.backup_canary).toBe(1);
      expect(readdirSync(dir).every((name) => readFileSync(join(dir, name)).length >= 0)).toBe(true);
      const { statSync } = await import('node:fs');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    }, 120_000);

    it('backups 1: the backup files hold no secret value, password hash or token in the clear', async () => {
      const stored = await server.stored.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_EMAIL!)
        .executeTakeFirstOrThrow();
      const needles = [SECRET_VALUE, ADMIN_PASSWORD, stored.password_hash!, admin.access_token, admin.refresh_token, MASTER_KEY];
      for (const name of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, name));
        for (const needle of needles)
          expect(bytes.includes(Buffer.from(needle, 'utf8')), `${name} holds ${needle.slice(0, 12)}…`).toBe(false);
      }
    });

    it('backups 3: one flipped byte, a truncated file, another backup’s manifest, a wrong master key: each refused with its reason, nothing restored', async () => {
      const id = manifest.replace(/^.*\/(bkp_[0-9a-f]+)\.manifest\.json$/, '$1');
      const part = join(dir, `${id}.0.rbk`);
      const original = readFileSync(part);
      const other = await createBackup(config, { ports, dir: join(dir, '..', 'other') });

      const flipped = Buffer.from(original);
      flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
      writeFileSync(part, flipped);
      let t = await target();
      expect((await refusal(restoreBackup(t.config, { ports, from: manifest }))).code).toBe('part_hash');
      expect(await tableCount(t.instance)).toBe(0);

      truncateSync(part, original.length - 17);
      expect((await refusal(restoreBackup(t.config, { ports, from: manifest }))).code).toBe('part_hash');
      expect(await tableCount(t.instance)).toBe(0);
      writeFileSync(part, original);

      // Another backup's manifest in this one's place.
      const swappedDir = join(dir, '..', 'swapped');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(swappedDir, { mode: 0o700 });
      copyFileSync(part, join(swappedDir, `${id}.0.rbk`));
      copyFileSync(other.manifest, join(swappedDir, `${id}.manifest.json`));
      expect((await refusal(restoreBackup(t.config, { ports, from: join(swappedDir, `${id}.manifest.json`) }))).code).toBe(
        'manifest_invalid',
      );
      expect(await tableCount(t.instance)).toBe(0);

      t = await target(OTHER_KEY);
      expect((await refusal(restoreBackup(t.config, { ports, from: manifest }))).code).toBe('wrong_master_key');
      expect(await tableCount(t.instance)).toBe(0);
    }, 120_000);

    it('backups 3: a good backup restores into an empty store, its audit log verifies; a restore over data is refused without --force and the typed id', async () => {
      const t = await target();
      const report = await restoreBackup(t.config, { ports, from: manifest });
      expect(report.audit.ok, report.audit.detail).toBe(true);
      expect((await refusal(restoreBackup(t.config, { ports, from: manifest }))).code).toBe('not_empty');
      expect((await refusal(restoreBackup(t.config, { ports, from: manifest, force: true, confirm: 'yes' }))).code).toBe(
        'confirmation_required',
      );
      const again = await restoreBackup(t.config, { ports, from: manifest, force: true, confirm: report.backup });
      expect(again.audit.ok).toBe(true);
    }, 120_000);

    it('backups 4: the restore drill passes on a good backup (the canary signs in to a scratch server) and records a signed report', async () => {
      const report = await runRestoreDrill(config, { ports, dir });
      expect(report.checks.map((check) => [check.name, check.ok, check.detail])).toEqual(
        report.checks.map((check) => [check.name, true, check.detail]),
      );
      expect(report.checks.map((check) => check.name)).toEqual([
        'manifest',
        'restore',
        'row_counts',
        'migrations',
        'audit',
        'secrets',
        'login',
      ]);
      expect(report.checks.find((check) => check.name === 'login')?.detail).toMatch(/signed in/);
      expect(report.ok).toBe(true);
      expect(drillReportAuthentic(config, report)).toBe(true);
      expect(drillReportAuthentic(config, { ...report, ok: !report.ok })).toBe(false);
      const recorded = await server.stored.db.selectFrom('backup_drills').selectAll().execute();
      expect(recorded.some((row) => row.signature === report.signature)).toBe(true);
    }, 240_000);

    it('backups 4: the restore drill fails on a corrupted backup, naming the check', async () => {
      const id = manifest.replace(/^.*\/(bkp_[0-9a-f]+)\.manifest\.json$/, '$1');
      const part = join(dir, `${id}.0.rbk`);
      const original = readFileSync(part);
      const flipped = Buffer.from(original);
      flipped[100]! ^= 0x80;
      writeFileSync(part, flipped);
      try {
        const report = await runRestoreDrill(config, { ports, dir, backup: id });
        expect(report.ok).toBe(false);
        expect(report.checks[0]).toMatchObject({ name: 'manifest', ok: false });
        expect(report.checks[0]?.detail).toMatch(/part_hash/);
      } finally {
        writeFileSync(part, original);
      }
    }, 120_000);
  });
}
