/**
 * RAMPART_AUDIT_WITNESS_URL, on every backend, against a witness on loopback: every new checkpoint
 * is POSTed (text/plain signed note); at startup the witness's latest is compared with the
 * database, so that a database rolled back behind the witness (a restored old backup) is
 * detected: `/readyz` fails with `audit_witness` and an error is logged — while a restart of an
 * intact log stays ready. The URL must be https unless it is on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AlertingAuditLog } from '../../src/audit/services/audit-alerts.js';
import { auditEvent } from '../helpers/audit.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface Witness {
  readonly url: string;
  readonly posts: { contentType: string | undefined; body: string }[];
  close(): Promise<void>;
}

/** A minimal witness: keeps the last note POSTed, answers it to GET (404 before any). */
async function startWitness(): Promise<Witness> {
  const posts: { contentType: string | undefined; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.method === 'POST') {
        posts.push({ contentType: request.headers['content-type'], body });
        response.writeHead(204).end();
        return;
      }
      const latest = posts[posts.length - 1];
      if (latest === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'text/plain' }).end(latest.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/witness`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('accepts an https witness URL, or http on loopback only', () => {
  const load = (url: string) => loadConfig({ env: { RAMPART_AUDIT_WITNESS_URL: url } }).auditWitnessUrl;
  expect(load('https://witness.example/rampart')).toBe('https://witness.example/rampart');
  expect(load('http://127.0.0.1:9999/w')).toBe('http://127.0.0.1:9999/w');
  expect(() => load('http://witness.example/rampart')).toThrow(/RAMPART_AUDIT_WITNESS_URL/);
  expect(() => load('https://user:pw@witness.example/')).toThrow(/RAMPART_AUDIT_WITNESS_URL/);
});

for (const backend of await backends()) {
  describe(`audit witness URL on ${backend.name}`, () => {
    let instance: BackendInstance;
    let witness: Witness;
    let server: TestServer | undefined;

    beforeEach(async () => {
      instance = await backend.create();
      witness = await startWitness();
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
      await witness.close();
      await instance.cleanup();
    });

    const start = async (): Promise<TestServer> => testServer(instance, { env: { RAMPART_AUDIT_WITNESS_URL: witness.url } });
    const readyz = async (s: TestServer) => s.app.inject({ method: 'GET', url: '/readyz' });

    async function grow(s: TestServer, n: number): Promise<string> {
      await Promise.all(Array.from({ length: n }, (_, i) => s.rampart.audit.record(auditEvent(i))));
      await ((s.rampart.audit as AlertingAuditLog).inner as unknown as { integrate(): Promise<unknown> }).integrate();
      return s.rampart.auditService.issueCheckpoint();
    }

    it('POSTs every new checkpoint as text/plain, and a restart of the intact log stays ready', async () => {
      server = await start();
      const note = await grow(server, 5);
      // Checkpoints are also issued on demand as the log grows (perf 4): each new one is POSTed, the newest last.
      expect(witness.posts.at(-1)).toEqual({ contentType: 'text/plain; charset=utf-8', body: note });
      const sizes = witness.posts.map((post) => Number(post.body.split('\n')[1]));
      expect(sizes).toEqual([...new Set(sizes)].sort((x, y) => x - y));
      expect(witness.posts.every((post) => post.contentType === 'text/plain; charset=utf-8')).toBe(true);
      await server.close();
      server = await start();
      expect((await readyz(server)).statusCode).toBe(200);
      expect((await readyz(server)).json()).toMatchObject({ checks: { audit_witness: 'ok' } });
    });

    it('detects a database rolled back behind the witness: /readyz fails and an error is logged', async () => {
      server = await start();
      await grow(server, 6);
      await server.close();
      server = undefined;
      // A restored older backup: the log as it was at 2 entries.
      {
        const probe = await testServer(instance);
        const db = probe.stored.db;
        await db.deleteFrom('audit_entries').where('leaf_index', '>=', 2).execute();
        await sql`delete from audit_subtrees where (idx + 1) * (1 << level) > 2`.execute(db);
        await db.deleteFrom('audit_checkpoints').where('size', '>', 2).execute();
        await probe.close();
      }
      server = await start();
      const response = await readyz(server);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'service_unavailable', checks: { audit_witness: 'unavailable' } });
      expect(server.logs.text).toContain('AUDIT LOG ROLLBACK DETECTED');
    });
  });
}
