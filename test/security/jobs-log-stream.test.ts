/**
 * The exploit: a job's live output stream (`GET …/jobs/{id}/logs`, `Accept: text/event-stream`)
 * checked only when it opens keeps flowing to someone who lost the right to read it — a member
 * removed from the org, a role that no longer grants `jobs.read`, a revoked session — or opens
 * for someone who never had it. Issue 14, item 6: authorization on every subscribe and while
 * streaming (the revocation bus): the stream ends (`event: revoked`) while the job still runs.
 * Over real HTTP, on SQLite and PostgreSQL, with a real sandboxed job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, MEMBER_PASSWORD, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface SseEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** An open SSE response: the events so far, and waits on them. */
class Stream {
  readonly events: SseEvent[] = [];
  readonly closed: Promise<void>;
  #buffer = '';
  #waiters: (() => void)[] = [];

  constructor(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    this.closed = (async () => {
      for await (const chunk of body) {
        this.#buffer += decoder.decode(chunk, { stream: true });
        let end = this.#buffer.indexOf('\n\n');
        while (end >= 0) {
          this.#parse(this.#buffer.slice(0, end));
          this.#buffer = this.#buffer.slice(end + 2);
          end = this.#buffer.indexOf('\n\n');
        }
        for (const wake of this.#waiters.splice(0)) wake();
      }
    })().finally(() => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  #parse(block: string): void {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
    }
    if (fields.event !== undefined)
      this.events.push({ ...(fields.id === undefined ? {} : { id: fields.id }), event: fields.event, data: fields.data ?? '' });
  }

  /** The stdout so far, decoded. */
  stdout(): string {
    return this.events
      .filter((e) => e.event === 'stdout')
      .map((e) => Buffer.from(e.data, 'base64').toString('utf8'))
      .join('');
  }

  /** Waits until `done()` holds, or the stream closes, or 20 s pass. */
  async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    let open = true;
    void this.closed.then(() => (open = false));
    while (!done() && open && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}

for (const backend of await backends()) {
  describe(`job log streams on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let base: string;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    const jobsUrl = () => `/api/v1/orgs/${org.id}/jobs`;

    async function open(grant: Grant, id: string, lastEventId?: string): Promise<{ status: number; stream: Stream | undefined }> {
      const response = await fetch(`${base}${jobsUrl()}/${id}/logs`, {
        headers: {
          authorization: `Bearer ${grant.access_token}`,
          accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
      });
      if (response.status !== 200 || response.body === null) {
        await response.text();
        return { status: response.status, stream: undefined };
      }
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      return { status: 200, stream: new Stream(response.body) };
    }

    /** A job that prints two lines, then runs for a minute: its id, once the second line is out. */
    async function longJob(): Promise<string> {
      const created = await as(server.app, owner.grant, 'POST', jobsUrl(), {
        command: ['/bin/sh', '-c', 'echo one; echo two; exec sleep 60'],
        limits: { wall_seconds: 90 },
      });
      expect(created.statusCode, created.body).toBe(202);
      const { id } = created.json<{ id: string }>();
      for (let tries = 0; tries < 400; tries++) {
        const logs = (await as(server.app, owner.grant, 'GET', `${jobsUrl()}/${id}/logs`)).json<{ stdout: string }>();
        if (logs.stdout.includes('two')) return id;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the job printed nothing');
    }

    async function status(id: string): Promise<string> {
      return (await as(server.app, owner.grant, 'GET', `${jobsUrl()}/${id}`)).json<{ status: string }>().status;
    }

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_JOBS_WORKERS: '8' } });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('jobs 6: a member streams the output live, resumes after Last-Event-ID, and the stream ends with the job', async () => {
      const id = await longJob();
      const { stream } = await open(owner.grant, id);
      await stream?.until(() => (stream?.stdout() ?? '').includes('two'));
      expect(stream?.stdout()).toBe('one\ntwo\n');
      const first = stream?.events.find((e) => e.event === 'stdout');
      const resumed = await open(owner.grant, id, first?.id);
      expect((await as(server.app, owner.grant, 'POST', `${jobsUrl()}/${id}/cancel`)).statusCode).toBe(200);
      await stream?.closed;
      await resumed.stream?.closed;
      // Resumed after the first chunk: exactly what followed it, nothing replayed.
      expect(resumed.stream?.stdout()).toBe('one\ntwo\n'.slice(Buffer.from(first?.data ?? '', 'base64').length));
      expect(resumed.stream?.events.at(-1)?.event).toBe('end');
      const end = stream?.events.at(-1);
      expect(end?.event).toBe('end');
      expect(JSON.parse(end?.data ?? '{}')).toMatchObject({ status: 'cancelled' });
    });

    it('jobs 6: a non-member and a member of another org are 404; a member whose custom role lacks jobs.read is 403', async () => {
      const id = await longJob();
      const stranger = await createUser(server.app, admin);
      expect((await open(stranger.grant, id)).status).toBe(404);
      const elsewhere = await orgWithOwner(server.app, admin);
      expect((await open(elsewhere.owner.grant, id)).status).toBe(404);
      expect(
        (await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/blind`, { permissions: ['org.read'] })).statusCode,
      ).toBeLessThan(300);
      const blind = await userWithRole(server.app, admin, owner.grant, org, 'blind');
      expect((await open(blind.grant, id)).status).toBe(403);
      await as(server.app, owner.grant, 'POST', `${jobsUrl()}/${id}/cancel`);
    });

    it('jobs 6: a member removed from the org while streaming loses the stream, while the job runs on', async () => {
      const id = await longJob();
      const member = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const { stream } = await open(member.grant, id);
      await stream?.until(() => (stream?.stdout() ?? '').includes('two'));
      expect((await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${member.id}`)).statusCode).toBeLessThan(300);
      await stream?.closed;
      expect(stream?.events.at(-1)?.event).toBe('revoked');
      expect(await status(id)).toBe('running');
      await as(server.app, owner.grant, 'POST', `${jobsUrl()}/${id}/cancel`);
    });

    it('jobs 6: a role that loses jobs.read while streaming ends the stream', async () => {
      const id = await longJob();
      expect(
        (await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/watcher`, { permissions: ['jobs.read'] })).statusCode,
      ).toBeLessThan(300);
      const watcher = await userWithRole(server.app, admin, owner.grant, org, 'watcher');
      const { stream } = await open(watcher.grant, id);
      await stream?.until(() => (stream?.stdout() ?? '').includes('two'));
      expect(
        (await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/watcher`, { permissions: ['org.read'] })).statusCode,
      ).toBeLessThan(300);
      await stream?.closed;
      expect(stream?.events.at(-1)?.event).toBe('revoked');
      expect(await status(id)).toBe('running');
      await as(server.app, owner.grant, 'POST', `${jobsUrl()}/${id}/cancel`);
    });

    it('jobs 6: a session revoked while streaming ends the stream', async () => {
      const id = await longJob();
      const member = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const second = await login(server.app, member.email, MEMBER_PASSWORD);
      const { stream } = await open(second, id);
      await stream?.until(() => (stream?.stdout() ?? '').includes('two'));
      expect((await as(server.app, member.grant, 'DELETE', `/api/v1/me/sessions/${second.session_id}`)).statusCode).toBeLessThan(300);
      await stream?.closed;
      expect(stream?.events.at(-1)?.event).toBe('revoked');
      expect(await status(id)).toBe('running');
      await as(server.app, owner.grant, 'POST', `${jobsUrl()}/${id}/cancel`);
    });
  });
}
