/**
 * The exploit: a job's org secret leaks out of the job — onto a command line any local user can
 * read in /proc, into the job record, the output kept in the database, the audit log, or the
 * database files — or reaches a job whose creator may not read it. Issue 14, item 4: the value is
 * revealed in memory at start and handed to the sandboxed job's environment only. These tests run
 * a real job through the real bubblewrap sandbox, on SQLite and PostgreSQL, and look for the value
 * everywhere else; and they check that a creator without `secrets.read` (at creation, or by the
 * time the job starts) gets nothing queued, or nothing run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** Every process command line of the host, joined. */
async function commandLines(): Promise<string> {
  const lines: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    lines.push(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''));
  }
  return lines.join('\n');
}

/** Every row of every table, as text (the administrator's view, past row-level security). */
async function everyRow(server: TestServer, dialect: string): Promise<string> {
  const names =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(server.stored.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
          server.stored.db,
        );
  const out: string[] = [];
  for (const { name } of names.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(server.stored.db);
    out.push(
      JSON.stringify(rows.rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : typeof v === 'bigint' ? String(v) : v)),
    );
  }
  return out.join('\n');
}

for (const backend of await backends()) {
  describe(`job secrets on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    const jobsUrl = () => `/api/v1/orgs/${org.id}/jobs`;

    async function job(id: string, who: Grant = owner.grant): Promise<Record<string, unknown> & { status: string }> {
      return (await as(server.app, who, 'GET', `${jobsUrl()}/${id}`)).json();
    }

    async function finished(id: string): Promise<Record<string, unknown> & { status: string }> {
      for (let tries = 0; tries < 400; tries++) {
        const current = await job(id);
        if (!['queued', 'running'].includes(current.status)) return current;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the job did not end: ${JSON.stringify(await job(id))}`);
    }

    async function jobCount(): Promise<number> {
      return Number((await sql<{ n: number | string }>`select count(*) as n from jobs`.execute(server.stored.db)).rows[0]?.n ?? 0);
    }

    beforeAll(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_JOBS_WORKERS: '1' }, audit });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('jobs 4: a secret reaches the job’s environment and nowhere else (process table, record, output, audit, database)', async () => {
      const value = `s3cr3t-${randomBytes(16).toString('hex')}`;
      expect((await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/API_TOKEN`, { value })).statusCode).toBe(200);
      const created = await as(server.app, owner.grant, 'POST', jobsUrl(), {
        command: ['/bin/sh', '-c', 'printf %s "$API_TOKEN" | sha256sum; sleep 1'],
        secrets: ['API_TOKEN'],
      });
      expect(created.statusCode, created.body).toBe(202);
      const { id } = created.json<{ id: string }>();
      // While it runs, no command line of the host holds the value.
      let seenRunning = false;
      for (let tries = 0; tries < 200; tries++) {
        expect(await commandLines()).not.toContain(value);
        if ((await job(id)).status === 'running') seenRunning = true;
        if (seenRunning && tries > 5) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(seenRunning).toBe(true);
      const ended = await finished(id);
      expect(ended).toMatchObject({ status: 'succeeded', secrets: ['API_TOKEN'] });
      expect(JSON.stringify(ended)).not.toContain(value);
      // The job saw the value: it printed its hash.
      const logs = (await as(server.app, owner.grant, 'GET', `${jobsUrl()}/${id}/logs`)).json<{ stdout: string }>();
      expect(logs.stdout).toContain(createHash('sha256').update(value).digest('hex'));
      expect(JSON.stringify(logs)).not.toContain(value);
      expect(JSON.stringify(audit.events())).not.toContain(value);
      expect(audit.events().some((e) => e.action === 'secret.reveal' && e.resource === 'secret:API_TOKEN')).toBe(true);
      expect(await everyRow(server, backend.name)).not.toContain(value);
      if (backend.name === 'sqlite') {
        for (const file of (await readdir(store.dataDir)).filter((name) => name.startsWith('rampart.db'))) {
          expect((await readFile(join(store.dataDir, file))).includes(Buffer.from(value))).toBe(false);
        }
      }
      expect(server.logs.lines.join('\n')).not.toContain(value);
    });

    it('jobs 4: a creator without secrets.read, an unknown secret, or a name that cannot be an environment variable: refused, nothing queued', async () => {
      await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/DB_PASSWORD`, { value: 'x' });
      expect(
        (await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/runner`, { permissions: ['jobs.run', 'jobs.read'] }))
          .statusCode,
      ).toBeLessThan(300);
      const runner = await userWithRole(server.app, admin, owner.grant, org, 'runner');
      const before = await jobCount();
      expectProblem(
        await as(server.app, runner.grant, 'POST', jobsUrl(), { command: ['/bin/true'], secrets: ['DB_PASSWORD'] }),
        'forbidden',
      );
      expectProblem(await as(server.app, owner.grant, 'POST', jobsUrl(), { command: ['/bin/true'], secrets: ['NO_SUCH'] }), 'not_found');
      await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/db-password`, { value: 'x' });
      expectProblem(
        await as(server.app, owner.grant, 'POST', jobsUrl(), { command: ['/bin/true'], secrets: ['db-password'] }),
        'validation_failed',
      );
      expectProblem(
        await as(server.app, owner.grant, 'POST', jobsUrl(), { command: ['/bin/true'], secrets: ['LD_PRELOAD'] }),
        'validation_failed',
      );
      expect(await jobCount()).toBe(before);
    });

    it('jobs 4: secrets.read is checked again at start: a creator who lost it by then gets the job failed, not run with the secret', async () => {
      expect(
        (
          await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/reader`, {
            permissions: ['jobs.run', 'jobs.read', 'secrets.read'],
          })
        ).statusCode,
      ).toBeLessThan(300);
      const reader = await userWithRole(server.app, admin, owner.grant, org, 'reader');
      await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/DB_PASSWORD`, { value: 'x' });
      // The only worker is busy, so the reader's job waits in the queue.
      const busy = (
        await as(server.app, owner.grant, 'POST', jobsUrl(), { command: ['/bin/sh', '-c', 'echo started; exec sleep 60'] })
      ).json<{ id: string }>().id;
      for (let tries = 0; tries < 400; tries++) {
        const out = (await as(server.app, owner.grant, 'GET', `${jobsUrl()}/${busy}/logs`)).json<{ stdout: string }>();
        if (out.stdout.includes('started')) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const marker = `ran-${randomBytes(6).toString('hex')}`;
      const queued = await as(server.app, reader.grant, 'POST', jobsUrl(), { command: ['/bin/echo', marker], secrets: ['DB_PASSWORD'] });
      expect(queued.statusCode, queued.body).toBe(202);
      const { id } = queued.json<{ id: string }>();
      expect((await job(id)).status).toBe('queued');
      expect(
        (await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/reader`, { permissions: ['jobs.run', 'jobs.read'] }))
          .statusCode,
      ).toBeLessThan(300);
      expect((await as(server.app, owner.grant, 'POST', `${jobsUrl()}/${busy}/cancel`)).statusCode).toBe(200);
      const ended = await finished(id);
      expect(ended).toMatchObject({ status: 'failed', failure: 'secrets_unavailable' });
      const logs = (await as(server.app, owner.grant, 'GET', `${jobsUrl()}/${id}/logs`)).json<{ stdout: string }>();
      expect(logs.stdout).not.toContain(marker);
    });
  });
}
