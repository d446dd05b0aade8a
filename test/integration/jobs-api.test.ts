/**
 * The jobs routes through the real server and the real bubblewrap sandbox, on every backend
 * (issue 14; the spec's "Jobs (sandboxed execution)"): create → 202 and the job runs to its end,
 * output as JSON, refusals before anything is stored, cancel, the wall limit, verified runs, the
 * sandbox that cannot be had, cross-tenant ids, and an audit entry and event for every transition.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface JobJson {
  id: string;
  status: string;
  exit_code: number | null;
  failure: string | null;
  diff: string | null;
  cancelled_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  files: { path: string; size: number }[];
  limits: Record<string, number>;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** Every process of the host whose command line holds `marker`. */
async function processesWith(marker: string): Promise<number> {
  const { readdir, readFile } = await import('node:fs/promises');
  let found = 0;
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found += 1;
  }
  return found;
}

for (const backend of await backends()) {
  describe(`jobs on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let other: { org: OrgBody; owner: OrgUser };
    const url = (path = '', o: OrgBody = org) => `/api/v1/orgs/${o.id}/jobs${path}`;

    async function create(body: object, who: Grant = owner.grant, o: OrgBody = org) {
      return as(server.app, who, 'POST', url('', o), body);
    }

    async function finished(id: string, o: OrgBody = org, who: Grant = owner.grant): Promise<JobJson> {
      for (let tries = 0; tries < 400; tries++) {
        const job = (await as(server.app, who, 'GET', url(`/${id}`, o))).json<JobJson>();
        if (!['queued', 'running'].includes(job.status)) return job;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`job ${id} did not end`);
    }

    async function jobRows(): Promise<number> {
      const rows = await sql<{ n: number | string }>`select count(*) as n from jobs`.execute(server.stored.db);
      return Number(rows.rows[0]?.n ?? 0);
    }

    beforeAll(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_JOBS_LIMIT_MAX: 'wall_seconds=60,cpu_seconds=30' }, audit });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      other = await orgWithOwner(server.app, admin);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('jobs 5: a job is queued (202), runs in the sandbox, and its record and output are read back', async () => {
      const created = await create({
        command: ['/bin/sh', '-c', 'cat in/hello.txt; echo oops >&2; exit 3'],
        files: { 'in/hello.txt': b64('hello\n') },
      });
      expect(created.statusCode, created.body).toBe(202);
      const { id, status } = created.json<{ id: string; status: string }>();
      expect(id).toMatch(/^job_/);
      expect(status).toBe('queued');
      const job = await finished(id);
      expect(job).toMatchObject({ status: 'failed', exit_code: 3, failure: 'exit_code', files: [{ path: 'in/hello.txt', size: 6 }] });
      expect(job.started_at).not.toBeNull();
      expect(job.finished_at).not.toBeNull();
      const logs = await as(server.app, owner.grant, 'GET', url(`/${id}/logs`));
      expect(logs.statusCode, logs.body).toBe(200);
      expect(logs.json()).toEqual({ stdout: 'hello\n', stderr: 'oops\n', truncated: false, status: 'failed' });
      const listed = await as(server.app, owner.grant, 'GET', url('?limit=100'));
      expect(listed.json<{ items: JobJson[] }>().items.map((j) => j.id)).toContain(id);
    });

    it('jobs 5: every transition is audited and emits its event', async () => {
      const { id } = (await create({ command: ['/bin/true'] })).json<{ id: string }>();
      expect((await finished(id)).status).toBe('succeeded');
      const actions = audit
        .events()
        .filter((e) => e.resource === `job:${id}`)
        .map((e) => `${e.action}:${e.result}`);
      expect(actions).toEqual(['job.create:success', 'job.start:success', 'job.finish:success']);
      const events = await sql<{
        type: string;
        data: string;
      }>`select type, data from event_outbox where data like ${`%${id}%`} order by seq`.execute(server.stored.db);
      expect(events.rows.map((e) => e.type)).toEqual(['job.created', 'job.started', 'job.finished']);
      expect(JSON.parse(events.rows[2]?.data ?? '{}')).toMatchObject({ job_id: id, status: 'succeeded', exit_code: 0 });
    });

    it('jobs 1: network true is 400 validation_failed and nothing is stored', async () => {
      const before = await jobRows();
      expectProblem(await create({ command: ['/bin/true'], network: true }), 'validation_failed');
      expect(await jobRows()).toBe(before);
    });

    it('jobs 2: a limit above its configured maximum is 400 and nothing is stored', async () => {
      const before = await jobRows();
      const refused = expectProblem(await create({ command: ['/bin/true'], limits: { wall_seconds: 61 } }), 'validation_failed');
      expect(refused.detail).toContain('limits/wall_seconds');
      expectProblem(await create({ command: ['/bin/true'], limits: { cpu_seconds: 31 } }), 'validation_failed');
      expectProblem(await create({ command: ['/bin/true'], limits: { memory_mb: 0 } }), 'validation_failed');
      expect(await jobRows()).toBe(before);
    });

    it('jobs 4: file names with .., absolute parts or NUL, and files past disk_mb, are 400 and nothing is stored', async () => {
      const before = await jobRows();
      for (const name of ['../x', '/etc/x', 'a/../../x', 'a\u0000b', 'a//b', './x', 'a\\b']) {
        expectProblem(await create({ command: ['/bin/true'], files: { [name]: b64('x') } }), 'validation_failed');
      }
      expectProblem(await create({ command: ['/bin/true'], files: { a: 'not base64!' } }), 'validation_failed');
      const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
      expectProblem(await create({ command: ['/bin/true'], files: { big }, limits: { disk_mb: 1 } }), 'validation_failed');
      expect(await jobRows()).toBe(before);
    });

    it('jobs 8: cancel ends the whole tree at once, records who cancelled, and leaves no process', async () => {
      const marker = `cancel-marker-${Date.now()}`;
      const { id } = (
        await create({ command: ['/bin/sh', '-c', `sleep 300 & sleep 301 & wait # ${marker}`], limits: { wall_seconds: 60 } })
      ).json<{ id: string }>();
      for (let tries = 0; tries < 200 && (await processesWith(marker)) === 0; tries++) await new Promise((r) => setTimeout(r, 50));
      expect(await processesWith(marker)).toBeGreaterThan(0);
      const cancelled = await as(server.app, owner.grant, 'POST', url(`/${id}/cancel`));
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      const job = await finished(id);
      expect(job).toMatchObject({ status: 'cancelled', cancelled_by: owner.id });
      expect(await processesWith(marker)).toBe(0);
      expect(await processesWith('sleep 300')).toBe(0);
      expectProblem(await as(server.app, owner.grant, 'POST', url(`/${id}/cancel`)), 'conflict');
      const entries = audit.events().filter((e) => e.resource === `job:${id}`);
      expect(entries.find((e) => e.action === 'job.cancel')?.actor).toEqual({ type: 'user', id: owner.id });
      expect(entries.find((e) => e.action === 'job.finish')?.details).toMatchObject({ status: 'cancelled' });
    });

    it('jobs 2: a job still running at its wall limit ends timed_out with no process left', async () => {
      const marker = `wall-marker-${Date.now()}`;
      const { id } = (await create({ command: ['/bin/sh', '-c', `sleep 100 # ${marker}`], limits: { wall_seconds: 1 } })).json<{
        id: string;
      }>();
      const job = await finished(id);
      expect(job.status).toBe('timed_out');
      expect(await processesWith(marker)).toBe(0);
    });

    it('jobs 7: a verified run that agrees with its reference succeeds; a disagreement fails with a unified diff', async () => {
      const inputs = [b64('a\nb\nc\n'), b64('x\ny\n')];
      const same = (await create({ command: ['/bin/cat'], verify: { reference: ['/bin/sh', '-c', 'cat'], inputs } })).json<{
        id: string;
      }>();
      expect(await finished(same.id)).toMatchObject({ status: 'succeeded', failure: null, diff: null });
      const differs = (
        await create({ command: ['/usr/bin/sort', '-r'], verify: { reference: ['/usr/bin/sort'], inputs: [b64('c\na\nb\n')] } })
      ).json<{ id: string }>();
      const job = await finished(differs.id);
      expect(job).toMatchObject({ status: 'failed', failure: 'verification_failed' });
      expect(job.diff).toContain('--- reference (input 1)');
      expect(job.diff).toContain('+++ command (input 1)');
      expect(job.diff).toMatch(/^-a$/m);
      expect(job.diff).toMatch(/^\+a$/m);
      expect(job.diff).toMatch(/^@@ -1,3 \+1,3 @@$/m);
    });

    it('jobs 5: another org’s job id is 404 on every route, and nothing changes', async () => {
      const { id } = (await create({ command: ['/bin/true'] }, other.owner.grant, other.org)).json<{ id: string }>();
      const theirs = await finished(id, other.org, other.owner.grant);
      for (const [method, path] of [
        ['GET', `/${id}`],
        ['GET', `/${id}/logs`],
        ['POST', `/${id}/cancel`],
      ] as const) {
        expectProblem(await as(server.app, owner.grant, method, url(path)), 'not_found');
      }
      expect(await finished(id, other.org, other.owner.grant)).toEqual(theirs);
      // The other org's id through this org's path, as its own owner (who is no member here): hidden too.
      expectProblem(await as(server.app, other.owner.grant, 'GET', url(`/${id}`)), 'not_found');
    });
  });

  describe(`jobs without a sandbox on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_JOBS_BWRAP: '/nonexistent/bwrap' } });
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('jobs 3: a sandbox that cannot be had is 503 sandbox_unavailable with the reason, and nothing is queued', async () => {
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const refused = expectProblem(
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/jobs`, { command: ['/bin/true'] }),
        'sandbox_unavailable',
      );
      expect(refused.status).toBe(503);
      expect(refused.detail.length).toBeGreaterThan(30);
      const rows = await sql<{ n: number | string }>`select count(*) as n from jobs`.execute(server.stored.db);
      expect(Number(rows.rows[0]?.n)).toBe(0);
    });
  });
}
