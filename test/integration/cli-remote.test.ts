/**
 * Adoption 2 (issue 21): the remote CLI — `rampart login` and every daily command over the HTTP
 * API through the SDK, against one real server on a real socket. Commands run in-process
 * (`runCli`, src/cli/remote/run-cli.ts) with captured output and their own stdin; one spawned
 * `rampart login` proves the stdin path of a real process. Every command is a row of one table:
 * run with `--json` (its output parsed and checked) and with `--help`. Also: the login file's
 * modes and the refusal of one open to others, `RAMPART_TOKEN` winning, problems shown with
 * title, detail and code (exit 1), a second factor asked when the login needs it, and an expired
 * access token renewed with the stored refresh token (the file updated).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/remote/run-cli.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login } from '../helpers/identity.js';
import { enrol, totpCode } from '../helpers/mfa.js';
import { createUser, MEMBER_PASSWORD, uniqueSlug } from '../helpers/orgs.js';
import { cleanEnv, freePort, startChild } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

describe('the remote CLI against a real server', () => {
  let instance: BackendInstance;
  let server: TestServer;
  let origin: string;
  let home: string;
  const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);

  /** `rampart <args>` in-process with the test's login home (and `env` on top). */
  async function cli(args: readonly string[], stdin = '', env: Record<string, string> = {}): Promise<Ran> {
    const stdout = new Collect();
    const stderr = new Collect();
    const code = await runCli(args, { env: { HOME: home, RAMPART_CONFIG_HOME: join(home, 'rampart'), ...env }, stdin, stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  async function json(args: readonly string[], stdin = ''): Promise<Record<string, unknown>> {
    const ran = await cli([...args, '--json'], stdin);
    expect(ran.code, `${args.join(' ')}: ${ran.stderr}`).toBe(0);
    expect(ran.stdout.trim().split('\n'), `${args.join(' ')} prints one JSON line`).toHaveLength(1);
    expect(ran.stdout, `${args.join(' ')} prints a JSON object`).toMatch(/^\{.*\}\n$/);
    return JSON.parse(ran.stdout) as Record<string, unknown>;
  }

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    home = mkdtempSync(join(tmpdir(), 'rampart-cli-home-'));
    instance = await sqliteBackend.create();
    server = await testServer(instance, {
      env: { ...ADMIN_ENV, RAMPART_PUBLIC_URL: origin, RAMPART_RATE_LIMIT: '10000', RAMPART_LOGIN_RATE_LIMIT: '1000' },
      clock,
    });
    await server.app.listen({ port, host: '127.0.0.1' });
    const ran = await cli(['login', origin, '--device-name', 'test laptop'], `${ADMIN_EMAIL}\n${ADMIN_PASSWORD}\n`);
    expect(ran.code, ran.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await instance?.cleanup();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  const loginFile = (): string => join(home, 'rampart', 'login.json');

  it('adoption 2: rampart login keeps the token in a 0600 file in a 0700 directory, and whoami answers from it', async () => {
    expect(statSync(join(home, 'rampart')).mode & 0o777).toBe(0o700);
    expect(statSync(loginFile()).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(loginFile(), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({
      url: origin,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_at: expect.any(Number),
    });
    expect(JSON.stringify(stored)).not.toContain(ADMIN_PASSWORD);
    const me = await json(['whoami']);
    expect(me).toMatchObject({ url: origin, source: 'file', user: { email: ADMIN_EMAIL } });
    const text = await cli(['whoami']);
    expect(text.stdout).toContain(ADMIN_EMAIL);
  });

  it('adoption 2: a login file that others can read is refused, naming the fix, and nothing is sent', async () => {
    chmodSync(loginFile(), 0o644);
    try {
      const ran = await cli(['whoami']);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(`chmod 600 ${loginFile()}`);
      expect(ran.stdout).toBe('');
    } finally {
      chmodSync(loginFile(), 0o600);
    }
  });

  it('adoption 2: RAMPART_TOKEN (with RAMPART_URL) wins over the login file; without any login the command says how to log in', async () => {
    const key = (await json(['api-keys', 'create', '--name', 'env key', '--scopes', 'users.manage'])) as { key: string };
    const ran = await cli(['whoami', '--json'], '', {
      RAMPART_TOKEN: key.key,
      RAMPART_URL: origin,
      RAMPART_CONFIG_HOME: join(home, 'nowhere'),
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ url: origin, source: 'environment', principal: 'api_key' });
    // The key works for what its scopes allow.
    const listed = await cli(['users', 'list', '--json'], '', {
      RAMPART_TOKEN: key.key,
      RAMPART_URL: origin,
      RAMPART_CONFIG_HOME: join(home, 'nowhere'),
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).items).toEqual(expect.arrayContaining([expect.objectContaining({ email: ADMIN_EMAIL })]));
    const none = await cli(['whoami'], '', { RAMPART_CONFIG_HOME: join(home, 'nowhere') });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('rampart login');
  });

  it('adoption 2: a refusal shows the problem’s title, detail and code and exits 1 (and --json prints it as {error})', async () => {
    const ran = await cli(['orgs', 'show', 'no-such-org']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^rampart: Not found: .+ \(not_found\)\n$/);
    const asJson = await cli(['orgs', 'show', 'no-such-org', '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ error: { status: 404, code: 'not_found', title: 'Not found' } });
  });

  it('adoption 2: every command answers --json (parsed and checked here) and --help', async () => {
    const slug = uniqueSlug('cli');
    const person = `${uniqueSlug('person')}@example.test`;
    const invitee = `${uniqueSlug('invitee')}@example.test`;
    const secretFile = join(home, 'secret-value.txt');
    writeFileSync(secretFile, 'from a file\n', { mode: 0o600 });
    const state: Record<string, string> = {};
    const other = await login(server.app); // a second session of the admin, to revoke by id

    type Row = readonly [argv: () => string[], check: (out: Record<string, unknown>) => void, stdin?: string];
    const rows: Row[] = [
      [() => ['orgs', 'create', 'CLI org', '--slug', slug], (out) => expect(out).toMatchObject({ slug, name: 'CLI org' })],
      [() => ['orgs', 'list'], (out) => expect(out.items).toEqual(expect.arrayContaining([expect.objectContaining({ slug })]))],
      [() => ['orgs', 'show', slug], (out) => expect(out).toMatchObject({ slug })],
      [
        () => ['users', 'create', person, '--name', 'A Person'],
        (out) => {
          expect(out).toMatchObject({ email: person, name: 'A Person', set_password_token: expect.any(String) });
          state.user = String(out.id);
        },
      ],
      [() => ['users', 'list', '--email', person], (out) => expect(out.items).toEqual([expect.objectContaining({ email: person })])],
      [() => ['users', 'show', person], (out) => expect(out).toMatchObject({ id: state.user })],
      [() => ['users', 'disable', person], (out) => expect(out).toMatchObject({ status: 'disabled' })],
      [() => ['users', 'enable', state.user ?? ''], (out) => expect(out).toMatchObject({ status: 'active' })],
      [() => ['users', 'reset-password', person], (out) => expect(out).toMatchObject({ email: person, reset_link: 'mailed' })],
      [() => ['users', 'sessions', person], (out) => expect(out).toMatchObject({ user_id: state.user, sessions_revoked: true })],
      [
        () => ['members', 'add', slug, state.user ?? '', '--role', 'viewer'],
        (out) => expect(out).toMatchObject({ user_id: state.user, role: 'viewer' }),
      ],
      [
        () => ['members', 'invite', slug, invitee, '--role', 'viewer'],
        (out) => expect(out).toMatchObject({ invitation_id: expect.any(String) }),
      ],
      [
        () => ['members', 'list', slug],
        (out) => expect(out.items).toEqual(expect.arrayContaining([expect.objectContaining({ email: person })])),
      ],
      [() => ['members', 'set-role', slug, person, 'operator'], (out) => expect(out).toMatchObject({ role: 'operator' })],
      [() => ['members', 'remove', slug, person], (out) => expect(out).toMatchObject({ removed: true })],
      [
        () => ['roles', 'put', slug, 'reader', '--permissions', 'members.read,org.read'],
        (out) => expect(out).toMatchObject({ name: 'reader', version: 1 }),
      ],
      [
        () => ['roles', 'list', slug],
        (out) => expect(out.items).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'reader' })])),
      ],
      [
        () => ['api-keys', 'create', '--name', 'ci', '--scopes', 'org.read', '--org', slug],
        (out) => {
          expect(String(out.key)).toMatch(/^rk_/);
          state.key = String(out.id);
        },
      ],
      [
        () => ['api-keys', 'list'],
        (out) => expect(out.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: state.key })])),
      ],
      [
        () => ['api-keys', 'rotate', state.key ?? ''],
        (out) => {
          expect(String(out.key)).toMatch(/^rk_/);
          state.rotated = String(out.id);
        },
      ],
      [() => ['api-keys', 'revoke', state.rotated ?? ''], (out) => expect(out).toMatchObject({ revoked: true })],
      [
        () => ['clients', 'create', slug, '--name', 'worker', '--scopes', 'members.read'],
        (out) => {
          expect(out).toMatchObject({ name: 'worker', client_secret: expect.any(String) });
          state.client = String(out.client_id);
        },
      ],
      [
        () => ['clients', 'list', slug],
        (out) => expect(out.items).toEqual(expect.arrayContaining([expect.objectContaining({ client_id: state.client })])),
      ],
      [() => ['clients', 'revoke', slug, state.client ?? ''], (out) => expect(out).toMatchObject({ revoked: true })],
      [
        () => ['secrets', 'put', slug, 'db-password'],
        (out) => expect(out).toMatchObject({ name: 'db-password', version: 1 }),
        'multi\nline value\n',
      ],
      [() => ['secrets', 'put', slug, 'db-password', '--file', secretFile], (out) => expect(out).toMatchObject({ version: 2 })],
      [() => ['secrets', 'list', slug], (out) => expect(out.items).toEqual([expect.objectContaining({ name: 'db-password', version: 2 })])],
      [
        () => ['secrets', 'get', slug, 'db-password', '--secret-version', '1'],
        (out) => expect(out).toEqual({ name: 'db-password', version: 1, value: 'multi\nline value' }),
      ],
      [() => ['secrets', 'delete', slug, 'db-password'], (out) => expect(out).toMatchObject({ deleted: true })],
      [
        () => ['sessions', 'list'],
        (out) => expect(out.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: other.session_id })])),
      ],
      [() => ['sessions', 'revoke', other.session_id], (out) => expect(out).toMatchObject({ id: other.session_id, revoked: true })],
      [() => ['sessions', 'revoke-others'], (out) => expect(out).toMatchObject({ revoked: expect.any(Number) })],
      [() => ['audit', 'list', '--org', slug, '--action', 'secret.reveal'], (out) => expect(Array.isArray(out.entries)).toBe(true)],
      [() => ['audit', 'list', '--limit', '5'], (out) => expect((out.entries as unknown[]).length).toBeGreaterThan(0)],
      [() => ['completion', 'bash'], (out) => expect(String(out.script)).toContain('complete -F _rampart rampart')],
      [() => ['completion', 'zsh'], (out) => expect(String(out.script)).toContain('bashcompinit')],
      [() => ['completion', 'fish'], (out) => expect(String(out.script)).toContain('complete -c rampart')],
      [() => ['whoami'], (out) => expect(out).toMatchObject({ user: { email: ADMIN_EMAIL } })],
      [() => ['orgs', 'delete', slug, '--yes'], (out) => expect(out).toMatchObject({ deleted: true })],
    ];
    const covered = new Set<string>();
    for (const [argv, check, stdin] of rows) {
      const args = argv();
      check(await json(args, stdin));
      const words = args.slice(0, ['whoami', 'completion'].includes(args[0] ?? '') ? 1 : 2);
      covered.add(words.join(' '));
      const help = await cli([...words, '--help']);
      expect(help.code, words.join(' ')).toBe(0);
      // `members invite` is `add`'s alias: commander names both.
      expect(help.stdout).toMatch(
        new RegExp(
          `Usage: rampart ${words
            .slice(0, -1)
            .map((w) => `${w} `)
            .join('')}(\\S+\\|)?${words.at(-1) ?? ''}\\b`,
        ),
      );
      expect(help.stdout).toContain('--json');
    }
    // The value only, byte for byte, on stdout without --json.
    const secretSlug = uniqueSlug('cli-secret');
    await json(['orgs', 'create', 'Secret org', '--slug', secretSlug]);
    await json(['secrets', 'put', secretSlug, 'token'], 'value without newline');
    const plain = await cli(['secrets', 'get', secretSlug, 'token']);
    expect(plain).toMatchObject({ code: 0, stdout: 'value without newline' });
    expect(covered.size).toBeGreaterThanOrEqual(29);
  }, 120_000);

  it('adoption 2: an expired access token is renewed with the stored refresh token, and the file keeps the new one', async () => {
    const before = JSON.parse(readFileSync(loginFile(), 'utf8')) as { refresh_token: string };
    clock.advance(1_200_000);
    const me = await json(['whoami']);
    expect(me).toMatchObject({ user: { email: ADMIN_EMAIL } });
    const after = JSON.parse(readFileSync(loginFile(), 'utf8')) as { refresh_token: string };
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(statSync(loginFile()).mode & 0o777).toBe(0o600);
  });

  it('adoption 2: a login that answers mfa_required asks for the code, and an API key logs in from stdin', async () => {
    const admin = await login(server.app);
    const user = await createUser(server.app, admin);
    const { secret } = await enrol(server.app, user.grant.access_token, clock);
    const mfaHome = join(home, 'mfa');
    const ran = await cli(['login', origin, '--json'], `${user.email}\n${MEMBER_PASSWORD}\n${totpCode(secret, clock.now())}\n`, {
      RAMPART_CONFIG_HOME: mfaHome,
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ email: user.email, url: origin });
    const wrong = await cli(['login', origin], `${user.email}\n${MEMBER_PASSWORD}\n000000\n`, {
      RAMPART_CONFIG_HOME: join(home, 'mfa-wrong'),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/\((invalid_credentials|mfa_invalid|token_invalid)\)/);

    // Long after the login (the clock moved on), an API key needs a fresh proof of the password:
    // the CLI asks for it and repeats the request.
    const refused = await cli(['api-keys', 'create', '--name', 'login key', '--scopes', 'users.manage']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(step_up_required)');
    const key = (await json(['api-keys', 'create', '--name', 'login key', '--scopes', 'users.manage'], `${ADMIN_PASSWORD}\n`)) as {
      key: string;
    };
    const keyHome = join(home, 'key');
    const viaKey = await cli(['login', origin, '--api-key', '--json'], `${key.key}\n`, { RAMPART_CONFIG_HOME: keyHome });
    expect(viaKey.code, viaKey.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(keyHome, 'login.json'), 'utf8'))).toEqual({ url: origin, access_token: key.key });
  });

  it('adoption 2: a spawned rampart login reads email and password from stdin, never argv, and rampart logout ends the session', async () => {
    const spawnHome = join(home, 'spawned');
    const child = startChild(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'login', origin, '--json'], {
      cwd: ROOT,
      env: cleanEnv({ RAMPART_CONFIG_HOME: spawnHome }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.process.stdin?.end(`${ADMIN_EMAIL}\n${ADMIN_PASSWORD}\n`);
    const exit = await child.exited;
    expect(exit.code, child.stderr()).toBe(0);
    expect(child.process.spawnargs.join(' ')).not.toContain(ADMIN_PASSWORD);
    expect(JSON.parse(child.stdout.join('\n'))).toMatchObject({ email: ADMIN_EMAIL, login_file: join(spawnHome, 'login.json') });
    expect(statSync(join(spawnHome, 'login.json')).mode & 0o777).toBe(0o600);

    const stored = JSON.parse(readFileSync(join(spawnHome, 'login.json'), 'utf8')) as { access_token: string };
    const out = await cli(['logout', '--json'], '', { RAMPART_CONFIG_HOME: spawnHome });
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ logged_out: true, session_ended: true });
    const after = await server.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${stored.access_token}` },
    });
    expect(after.statusCode).toBe(401);
    const help = await cli(['logout', '--help']);
    expect(help.stdout).toContain('Usage: rampart logout');
    const loginHelp = await cli(['login', '--help']);
    expect(loginHelp.stdout).toContain('Usage: rampart login');
  }, 60_000);
});
