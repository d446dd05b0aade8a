/**
 * Jobs as a durable queue (issue 14, item 5), on every backend: a job left `running` by an
 * instance that died is marked `interrupted` at the next start — audited, with its event — and
 * never run again; a graceful shutdown interrupts its own running jobs. On PostgreSQL, two
 * instances share the queue (`FOR UPDATE SKIP LOCKED`): every job runs exactly once, and a live
 * instance's running job is never taken for a dead one's.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface JobJson {
  id: string;
  status: string;
  started_at: string | null;
}

async function jobOf(server: TestServer, owner: OrgUser, org: OrgBody, id: string): Promise<JobJson> {
  return (await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/jobs/${id}`)).json<JobJson>();
}

async function until(server: TestServer, owner: OrgUser, org: OrgBody, id: string, done: (job: JobJson) => boolean): Promise<JobJson> {
  for (let tries = 0; tries < 400; tries++) {
    const job = await jobOf(server, owner, org, id);
    if (done(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} never reached the state: ${JSON.stringify(await jobOf(server, owner, org, id))}`);
}

for (const backend of await backends()) {
  describe(`the job queue on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    const servers: TestServer[] = [];

    async function start(audit: MemoryAuditLog, env: Record<string, string> = {}): Promise<TestServer> {
      if (store === undefined) throw new Error('no store');
      const server = await testServer(store, { env: { ...ADMIN_ENV, ...env }, audit });
      servers.push(server);
      return server;
    }

    afterEach(async () => {
      for (const server of servers.splice(0)) await server.close();
      await store?.cleanup();
      store = undefined;
    });

    it('jobs 5: a job left running by a dead instance is interrupted at the next start, audited, and never rerun', async () => {
      store = await backend.create();
      const audit = new MemoryAuditLog();
      const first = await start(audit, { RAMPART_JOBS_WORKERS: '0' });
      const admin = await login(first.app);
      const { org, owner } = await orgWithOwner(first.app, admin);
      const { id } = (await as(first.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/jobs`, { command: ['/bin/true'] })).json<{
        id: string;
      }>();
      // What an instance that took the job and then died leaves behind.
      await sql`update jobs set status = 'running', instance_id = 'inst_crashed', started_at = ${Date.now()} where id = ${id}`.execute(
        first.stored.db,
      );
      const startedAt = (await jobOf(first, owner, org, id)).started_at;
      await first.close();
      servers.splice(0);

      const second = await start(audit);
      const ended = await until(second, owner, org, id, (job) => job.status !== 'running');
      expect(ended).toMatchObject({ status: 'interrupted', started_at: startedAt });
      const entries = audit.events().filter((e) => e.resource === `job:${id}`);
      expect(entries.map((e) => e.action)).toEqual(['job.create', 'job.interrupt']);
      const events = await sql<{
        type: string;
        data: string;
      }>`select type, data from event_outbox where data like ${`%${id}%`} order by seq`.execute(second.stored.db);
      expect(events.rows.map((e) => e.type)).toEqual(['job.created', 'job.finished']);
      expect(JSON.parse(events.rows[1]?.data ?? '{}')).toMatchObject({ status: 'interrupted' });
      // Never rerun: a second later it is still interrupted and was never started again.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await jobOf(second, owner, org, id)).toMatchObject({ status: 'interrupted', started_at: startedAt });
      expect(audit.events().filter((e) => e.resource === `job:${id}` && e.action === 'job.start')).toEqual([]);
    });

    it('jobs 5: a graceful shutdown interrupts the jobs running on the instance', async () => {
      store = await backend.create();
      const audit = new MemoryAuditLog();
      const server = await start(audit);
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const { id } = (
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/jobs`, { command: ['/bin/sh', '-c', 'echo up; exec sleep 60'] })
      ).json<{ id: string }>();
      await until(server, owner, org, id, (job) => job.status === 'running');
      for (let tries = 0; tries < 200; tries++) {
        if ((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/jobs/${id}/logs`)).json<{ stdout: string }>().stdout) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await server.close();
      servers.splice(0);
      expect(audit.events().find((e) => e.resource === `job:${id}` && e.action === 'job.interrupt')?.details).toMatchObject({
        status: 'interrupted',
      });
      const next = await start(audit);
      expect((await jobOf(next, owner, org, id)).status).toBe('interrupted');
    });

    if (backend.name === 'postgres') {
      it('jobs 5: two instances share the queue on PostgreSQL: every job runs exactly once', async () => {
        store = await backend.create();
        const audit = new MemoryAuditLog();
        const a = await start(audit, { RAMPART_JOBS_WORKERS: '2' });
        const b = await start(audit, { RAMPART_JOBS_WORKERS: '2' });
        const admin = await login(a.app);
        const { org, owner } = await orgWithOwner(a.app, admin);
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) {
          const via = i % 2 === 0 ? a : b;
          const created = await as(via.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/jobs`, { command: ['/bin/true'] });
          expect(created.statusCode, created.body).toBe(202);
          ids.push(created.json<{ id: string }>().id);
        }
        for (const id of ids)
          expect((await until(a, owner, org, id, (job) => job.status !== 'queued' && job.status !== 'running')).status).toBe('succeeded');
        const starts = audit.events().filter((e) => e.action === 'job.start' && e.result === 'success');
        for (const id of ids) expect(starts.filter((e) => e.resource === `job:${id}`)).toHaveLength(1);
        expect(new Set(starts.map((e) => (e.details as { instance: string }).instance)).size).toBe(2);
      });

      it('jobs 5: a new instance does not take a live instance’s running job for a dead one’s', async () => {
        store = await backend.create();
        const audit = new MemoryAuditLog();
        const a = await start(audit);
        const admin = await login(a.app);
        const { org, owner } = await orgWithOwner(a.app, admin);
        const { id } = (await as(a.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/jobs`, { command: ['/bin/sleep', '30'] })).json<{
          id: string;
        }>();
        await until(a, owner, org, id, (job) => job.status === 'running');
        const b = await start(audit);
        expect(await b.rampart.facade('jobs').runner.interruptGone()).toBe(0);
        expect((await jobOf(b, owner, org, id)).status).toBe('running');
        await as(a.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/jobs/${id}/cancel`);
      });
    }
  });
}
