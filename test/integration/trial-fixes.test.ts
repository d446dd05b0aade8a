/**
 * Issue 21 item 5: what the newcomer trial found, each fixed message asserted to name its cause —
 * an unreachable PostgreSQL said `migration unknown failed`; `doctor` passed a master key that
 * `serve` refused; RAMPART_PUBLIC_URL stayed `:8080` when the server listened elsewhere; a spent
 * TOTP code was "not correct"; the password rules were written nowhere; a path install had no
 * `dist/`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/commands/doctor.js';
import { runMigrate } from '../../src/cli/commands/migrate.js';
import { checkPublicUrl } from '../../src/cli/doctor.js';
import { loadConfig } from '../../src/config.js';
import { DatabaseConnectionError } from '../../src/kernel/adapters/sql/connection-error.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import type { RampartConfig } from '../../src/kernel/config.js';
import { createRampart } from '../../src/rampart.js';
import { startServer } from '../../src/serve.js';
import { tempDataDir } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login } from '../helpers/identity.js';
import { enrol, mfaTokenOf, totpCode, verifyMfa } from '../helpers/mfa.js';
import { LogCapture, testServer, type TestServer } from '../helpers/rampart.js';
import { PG_ADMIN_URL, postgresAvailable } from '../helpers/services.js';

const ROOT = join(import.meta.dirname, '..', '..');
const quiet = () => ({ logger: createLogger('warn', new LogCapture()) });

function pgConfig(url: string): RampartConfig {
  return loadConfig({ env: { RAMPART_DATA_DIR: tempDataDir('rampart-pg-errors-'), RAMPART_DATABASE_URL: url, RAMPART_LOG_LEVEL: 'warn' } });
}

async function doctorChecks(config: RampartConfig): Promise<{ name: string; status: string; reason: string }[]> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await runDoctor(config, createOutput(true, stdout, new PassThrough()));
  return (JSON.parse(text) as { checks: { name: string; status: string; reason: string }[] }).checks;
}

async function refusal(work: Promise<unknown>): Promise<DatabaseConnectionError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseConnectionError);
  return error as DatabaseConnectionError;
}

describe('adoption 5: database connection failures name the cause on every command', () => {
  it('adoption 5: refused and DNS, from serve (createRampart) and migrate, never "migration unknown failed"', async () => {
    const refused = await refusal(createRampart(pgConfig('postgres://someone:pw@127.0.0.1:1/rampart'), quiet()));
    expect(refused.message).toMatch(
      /cannot reach PostgreSQL at 127\.0\.0\.1:1, database rampart, role someone: the connection was refused/,
    );
    expect(refused.message).not.toMatch(/migration|pw@/);
    const dns = await refusal(
      runMigrate(pgConfig('postgres://someone:pw@db.invalid:5432/rampart'), createOutput(true, new PassThrough(), new PassThrough())),
    );
    expect(dns.message).toMatch(/db\.invalid:5432.*the host name was not found \(DNS\)/);
    const checks = await doctorChecks(pgConfig('postgres://someone:pw@127.0.0.1:1/rampart'));
    expect(checks.find((c) => c.name === 'database')).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/connection was refused/) as unknown,
    });
  });

  it('adoption 5: authentication failed and a missing database, on a real PostgreSQL', async (context) => {
    if (!(await postgresAvailable())) return context.skip();
    const wrong = new URL(PG_ADMIN_URL);
    wrong.password = 'not-the-password';
    const auth = await refusal(createRampart(pgConfig(wrong.toString()), quiet()));
    expect(auth.message).toMatch(/authentication failed: the password in the URL is wrong for that role/);
    expect(auth.message).not.toContain('not-the-password');
    const missing = new URL(PG_ADMIN_URL);
    missing.pathname = '/rampart_no_such_database';
    const db = await refusal(createRampart(pgConfig(missing.toString()), quiet()));
    expect(db.message).toMatch(/database rampart_no_such_database.*the database does not exist/);
  });
});

describe('adoption 5: doctor checks that the master key opens the data', () => {
  const dataDir = tempDataDir('rampart-master-key-');
  beforeAll(async () => {
    await (await createRampart(loadConfig({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_LOG_LEVEL: 'warn' } }), quiet())).close();
  });
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('adoption 5: passes with the key the data was written with, fails as serve does with another', async () => {
    const right = loadConfig({ env: { RAMPART_DATA_DIR: dataDir } });
    expect((await doctorChecks(right)).find((c) => c.name === 'master-key-opens')?.status).toBe('pass');
    const other = loadConfig({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') } });
    const check = (await doctorChecks(other)).find((c) => c.name === 'master-key-opens');
    expect(check).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/master key does not open the data.*rampart serve` would refuse/) as unknown,
    });
    await expect(createRampart(other, quiet())).rejects.toThrow(/does not open with this master key/);
  });
});

describe('adoption 5: RAMPART_PUBLIC_URL defaults to the listening address', () => {
  it('adoption 5: follows RAMPART_HOST and RAMPART_PORT, and an explicit value wins', () => {
    expect(loadConfig({ env: { RAMPART_PORT: '3000' } }).publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ env: { RAMPART_HOST: '::1', RAMPART_PORT: '3001' } }).publicUrl).toBe('http://[::1]:3001');
    expect(loadConfig({ env: { RAMPART_PORT: '3000', RAMPART_PUBLIC_URL: 'https://id.example.test' } }).publicUrl).toBe(
      'https://id.example.test',
    );
  });

  it('adoption 5: doctor warns when the public URL is loopback while listening on every interface, or names another port', () => {
    const everywhere = checkPublicUrl(loadConfig({ env: { RAMPART_HOST: '0.0.0.0', RAMPART_PORT: '3000' } }));
    expect(everywhere.status).toBe('warn');
    expect(everywhere.reason).toMatch(
      /http:\/\/127\.0\.0\.1:3000, a loopback address, while the server listens on every interface \(RAMPART_HOST=0\.0\.0\.0\)/,
    );
    const port = checkPublicUrl(loadConfig({ env: { RAMPART_PORT: '3000', RAMPART_PUBLIC_URL: 'http://127.0.0.1:8080' } }));
    expect(port).toMatchObject({ status: 'warn', reason: expect.stringMatching(/listens on port 3000/) as unknown });
    expect(checkPublicUrl(loadConfig({ env: { RAMPART_PORT: '3000' } })).status).toBe('pass');
  });

  it('adoption 5: with RAMPART_PORT=0 the issuer is the port the server got', async () => {
    const dataDir = tempDataDir('rampart-port-zero-');
    const server = await startServer(
      loadConfig({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_PORT: '0', RAMPART_LOG_LEVEL: 'warn' } }),
      quiet(),
    );
    try {
      const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(server.url);
      expect(server.rampart.config.publicUrl).toBe(server.url);
    } finally {
      await server.close();
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});

describe('adoption 5: messages of the API', () => {
  const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer({ env: { RAMPART_DATA_DIR: tempDataDir('rampart-trial-'), ...ADMIN_ENV } }, { clock });
  });
  afterAll(async () => {
    await server.close();
  });

  it('adoption 5: the password policy is in the error and in the OpenAPI description of every password field', async () => {
    const grant = await login(server.app);
    const refused = await server.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${grant.access_token}` },
      payload: { email: 'newcomer@example.test', password: 'aaaaaaaaaaaaaaaa' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ detail: string }>().detail).toMatch(/^password: repeats one character or a short group/);
    expect(refused.body).not.toContain('aaaaaaaaaaaaaaaa');
    const document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const described: string[] = [];
    for (const [path, field] of [
      ['/api/v1/auth/register', 'password'],
      ['/api/v1/auth/password/set', 'password'],
      ['/api/v1/me/password', 'new_password'],
      ['/api/v1/users', 'password'],
      ['/api/v1/auth/password/reset', 'new_password'],
    ] as const) {
      const body = (
        document.paths[path]?.post as {
          requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, { description?: string }> } }> };
        }
      )?.requestBody?.content?.['application/json']?.schema?.properties?.[field];
      if (body?.description?.startsWith('A new password: 12 to 128 characters') === true) described.push(path);
    }
    expect(described).toHaveLength(5);
  });
  it('adoption 5: a TOTP code already spent says so; a wrong one does not', async () => {
    const grant = await login(server.app);
    const { secret } = await enrol(server.app, grant.access_token, clock);
    const code = totpCode(secret, clock.now());
    const first = await verifyMfa(
      server.app,
      mfaTokenOf(
        await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
      ),
      code,
    );
    expect(first.statusCode, first.body).toBe(200);
    const replay = await verifyMfa(
      server.app,
      mfaTokenOf(
        await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
      ),
      code,
    );
    expect(replay.statusCode).toBe(401);
    expect(replay.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'invalid_credentials',
      detail: expect.stringMatching(/^This code was already used/) as unknown,
    });
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await verifyMfa(
      server.app,
      mfaTokenOf(
        await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
      ),
      wrongCode,
    );
    expect(wrong.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'invalid_credentials',
      detail: 'The code is not correct',
    });
  });
});

describe('adoption 5: a path or git install builds dist/ (npm prepare)', () => {
  it('adoption 5: the prepare script builds in a package installed from elsewhere, and not in the project’s own install', () => {
    // A minimal copy of the package layout: the real script, a one-file source, TypeScript linked.
    const dir = mkdtempSync(join(tmpdir(), 'rampart-prepare-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      mkdirSync(join(dir, 'src'));
      mkdirSync(join(dir, 'node_modules'));
      copyFileSync(join(ROOT, 'scripts', 'prepare.mjs'), join(dir, 'scripts', 'prepare.mjs'));
      symlinkSync(join(ROOT, 'node_modules', 'typescript'), join(dir, 'node_modules', 'typescript'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'copy', type: 'module' }));
      writeFileSync(join(dir, 'src', 'index.ts'), 'export const built: number = 1;\n');
      writeFileSync(
        join(dir, 'tsconfig.build.json'),
        JSON.stringify({
          compilerOptions: { rootDir: 'src', outDir: 'dist', module: 'nodenext', target: 'es2022', declaration: true },
          include: ['src'],
        }),
      );
      const own = spawnSync(process.execPath, [join(dir, 'scripts', 'prepare.mjs')], {
        env: { ...process.env, INIT_CWD: dir },
        encoding: 'utf8',
      });
      expect(own.status).toBe(0);
      expect(own.stderr).toMatch(/the project’s own install, dist\/ is not built/);
      expect(existsSync(join(dir, 'dist'))).toBe(false);
      const installed = spawnSync(process.execPath, [join(dir, 'scripts', 'prepare.mjs')], {
        env: { ...process.env, INIT_CWD: tmpdir() },
        encoding: 'utf8',
      });
      expect(installed.status, installed.stderr).toBe(0);
      expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
      expect(existsSync(join(dir, 'dist', 'index.d.ts'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
