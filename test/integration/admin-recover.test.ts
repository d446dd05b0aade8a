/**
 * Issue 21 item 1: `rampart admin recover`. Before it, an admin who lost the generated password
 * (or whose only owner account was locked) had one way back in: deleting the data directory. On
 * the machine — the data directory and the master key — the command creates or resets a platform
 * admin, prints a one-time password (changed at first sign-in) or a set-password link, revokes the
 * account's sessions, and is audited as `admin.recover` (actor `system`/`cli`). With the server
 * stopped it does the work itself (SQLite and PostgreSQL); with a server running on the SQLite
 * data directory it goes through that server (two real processes).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { openDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { createRampart } from '../../src/rampart.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD } from '../helpers/identity.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { cleanEnv, startChild, type Child } from '../helpers/processes.js';
import { LogCapture } from '../helpers/rampart.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

const cli = cliInProcess;

interface Recovered {
  user_id: string;
  email: string;
  created: boolean;
  sessions_revoked: number;
  password?: string;
  password_change_required: boolean;
  set_password_token?: string;
  set_password_link?: string;
}

/** The `admin.recover` entries of a store (pending or integrated into the tree). */
async function recoverEntries(
  instance: BackendInstance,
): Promise<{ actor_type: string; actor_id: string | null; subject: string | null }[]> {
  const db = openDatabase({
    url: instance.databaseUrl === undefined ? undefined : secret(instance.databaseUrl),
    dataDir: instance.dataDir,
  });
  try {
    const columns = ['actor_type', 'actor_id', 'subject'] as const;
    const pending = await db.db.selectFrom('audit_pending').select(columns).where('action', '=', 'admin.recover').execute();
    const integrated = await db.db.selectFrom('audit_entries').select(columns).where('action', '=', 'admin.recover').execute();
    return [...pending, ...integrated];
  } finally {
    await db.close();
  }
}

describe('adoption 1: rampart admin recover with the server stopped', async () => {
  for (const backend of await backends()) {
    it(`adoption 1: resets the admin with a one-time password, revokes its sessions, audits it (${backend.name})`, async () => {
      const instance = await backend.create();
      try {
        const env = { ...instance.env, ...ADMIN_ENV };
        // A first start: the admin exists and holds a session.
        const rampart = await createRampart(loadConfig({ env: { ...env, RAMPART_LOG_LEVEL: 'warn' } }), {
          logger: createLogger('warn', new LogCapture()),
        });
        let sessionToken: string;
        const app = await buildServer(rampart);
        try {
          const login = await app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
          });
          expect(login.statusCode, login.body).toBe(200);
          sessionToken = login.json<{ access_token: string }>().access_token;
        } finally {
          await app.close();
          await rampart.close();
        }

        const run = await cli(instance.env, ['admin', 'recover', '--email', ADMIN_EMAIL]);
        expect(run.code, run.stderr).toBe(0);
        const result = JSON.parse(run.stdout) as Recovered;
        expect(result).toMatchObject({ email: ADMIN_EMAIL, created: false, sessions_revoked: 1, password_change_required: true });
        expect(result.password).toMatch(/^[A-Za-z0-9_-]{32}$/);

        const after = await createRampart(loadConfig({ env: { ...instance.env, RAMPART_LOG_LEVEL: 'warn' } }), {
          logger: createLogger('warn', new LogCapture()),
        });
        const server = await buildServer(after);
        try {
          // The old session is gone, the old password too; the new one signs in and must be changed first.
          const old = await server.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${sessionToken}` } });
          expect(old.statusCode).toBe(401);
          const refused = await server.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
          });
          expect(refused.statusCode).toBe(401);
          const login = await server.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: ADMIN_EMAIL, password: result.password },
          });
          expect(login.statusCode, login.body).toBe(200);
          const token = login.json<{ access_token: string }>().access_token;
          const gated = await server.inject({ method: 'GET', url: '/api/v1/orgs', headers: { authorization: `Bearer ${token}` } });
          expect(gated.json<{ code: string }>().code).toBe('password_change_required');
        } finally {
          await server.close();
          await after.close();
        }
        const entries = await recoverEntries(instance);
        expect(entries).toEqual([{ actor_type: 'system', actor_id: 'cli', subject: result.user_id }]);
        expect(run.stderr).not.toContain(result.password);
      } finally {
        await instance.cleanup();
      }
    });
  }

  it('adoption 1: --link creates a new owner with a set-password link instead of a password', async () => {
    const [sqlite] = await backends();
    const instance = await sqlite!.create();
    try {
      const first = await createRampart(loadConfig({ env: { ...instance.env, ...ADMIN_ENV, RAMPART_LOG_LEVEL: 'warn' } }), {
        logger: createLogger('warn', new LogCapture()),
      });
      await first.close();
      const run = await cli({ ...instance.env, RAMPART_PUBLIC_URL: 'https://rampart.example.test' }, [
        'admin',
        'recover',
        '--email',
        'second.owner@example.test',
        '--link',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as Recovered;
      expect(result).toMatchObject({ email: 'second.owner@example.test', created: true, password_change_required: false });
      expect(result.password).toBeUndefined();
      expect(result.set_password_link).toBe(`https://rampart.example.test/password/set?token=${result.set_password_token ?? ''}`);

      const rampart = await createRampart(loadConfig({ env: { ...instance.env, RAMPART_LOG_LEVEL: 'warn' } }), {
        logger: createLogger('warn', new LogCapture()),
      });
      const app = await buildServer(rampart);
      try {
        const set = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/password/set',
          payload: { token: result.set_password_token, password: 'amber lighthouse over the dunes' },
        });
        expect(set.statusCode, set.body).toBe(204);
        const login = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'second.owner@example.test', password: 'amber lighthouse over the dunes' },
        });
        expect(login.statusCode, login.body).toBe(200);
        const memberships = await rampart.identity.users.memberships(result.user_id);
        expect(memberships.map((m) => [m.orgSlug, m.role])).toEqual([['system', 'owner']]);
      } finally {
        await app.close();
        await rampart.close();
      }
    } finally {
      await instance.cleanup();
    }
  });

  it('adoption 1: a malformed --email is refused (exit 2) and changes nothing', async () => {
    const run = await cli({ RAMPART_DATA_DIR: join(tmpdir(), 'rampart-never-created') }, ['admin', 'recover', '--email', 'not an email']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--email: must be an email address/);
  });
});

describe('adoption 1: rampart admin recover with the server running (two processes)', () => {
  const children: Child[] = [];
  afterAll(async () => {
    for (const child of children) await child.stop();
  });

  it('adoption 1: goes through the running server, whose old sessions stop at once', async () => {
    const [sqlite] = await backends();
    const instance = await sqlite!.create();
    try {
      const server = startChild(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'serve', '--json'], {
        env: cleanEnv({ ...instance.env, ...ADMIN_ENV, RAMPART_PORT: '0', RAMPART_LOG_LEVEL: 'warn' }),
      });
      children.push(server);
      const url = String((await server.waitForJson((line) => typeof line.url === 'string', 'the url line')).url);
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const { access_token: token } = (await login.json()) as { access_token: string };

      const run = await cli(instance.env, ['admin', 'recover']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(new RegExp(`a server \\(pid ${server.process.pid ?? 0}\\) serves .*: the admin is recovered through it`));
      const result = JSON.parse(run.stdout) as Recovered;
      // Without --email: the longest-standing owner of the system org.
      expect(result).toMatchObject({ email: ADMIN_EMAIL, created: false, sessions_revoked: 1 });

      // The server revoked the session itself: refused at once, no reload interval.
      const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(401);
      const again = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: result.password }),
      });
      expect(again.status).toBe(200);
      expect(await recoverEntries(instance)).toEqual([{ actor_type: 'system', actor_id: 'cli', subject: result.user_id }]);
      server.process.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    } finally {
      await instance.cleanup();
    }
  }, 120_000);
});
