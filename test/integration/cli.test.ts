/**
 * The `rampart` command as an operator runs it: a real process, a real data directory, exit codes
 * and file modes. The CLI runs from source (`node --import tsx src/cli/main.ts`, the entry that
 * bin/rampart.js runs compiled), so the suite needs no build and never touches the shared dist/.
 * It checks what an operator relies on: `init` makes the directory 0700 and the key 0600 and can
 * run twice; `config` never prints a secret; a bad or misspelt variable is one line naming it;
 * `migrate` is idempotent; `doctor` fails on files other users can read; `serve` starts on the
 * README defaults and stops cleanly on SIGTERM, and refuses a world-readable data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initialiseDataDirectory } from '../../src/kernel/adapters/fs/initialise-data-directory.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { VARIABLES } from '../../src/config.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { cleanEnv, startChild, type Child } from '../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
// Absolute, so that the CLI can run with any working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Processes still running: a test that times out must not leave one behind. */
const running = new Set<ChildProcess>();

function rampart(args: readonly string[], env: Record<string, string> = {}, cwd: string = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function json(run: Run): Record<string, unknown> {
  const lines = run.stdout.trim().split('\n');
  expect(lines, `one JSON line on stdout; stderr: ${run.stderr}`).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
}

const mode = (path: string): number => statSync(path).mode & 0o777;

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
  temps.push(dir);
  return dir;
}

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const MASTER_KEY = randomBytes(32).toString('base64');

describe('rampart init', () => {
  it('creates the data directory 0700 and master.key 0600, and a second run keeps the key', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const first = await rampart(['init', '--json'], { RAMPART_DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    const keyFile = join(dataDir, 'master.key');
    expect(json(first)).toEqual({ data_dir: dataDir, master_key: { source: 'file', path: keyFile, created: true } });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(keyFile)).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8');
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);

    const second = await rampart(['init', '--json'], { RAMPART_DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(json(second)).toMatchObject({ master_key: { source: 'file', created: false } });
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    // The key itself is never printed.
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(key.trim());
  });

  it('with RAMPART_MASTER_KEY writes no key file', async () => {
    const dataDir = join(tempDir(), 'data');
    const run = await rampart(['init', '--json'], { RAMPART_DATA_DIR: dataDir, RAMPART_MASTER_KEY: MASTER_KEY });
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({ master_key: { source: 'environment', path: null, created: false } });
    expect(readdirSync(dataDir)).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(MASTER_KEY);
  });
});

describe('rampart config', () => {
  const DB_PASSWORD = `dbpw-${randomBytes(6).toString('hex')}`;
  const REDIS_PASSWORD = `redispw-${randomBytes(6).toString('hex')}`;
  const ADMIN_PASSWORD = `adminpw-${randomBytes(6).toString('hex')}`;
  const secrets = {
    RAMPART_MASTER_KEY: MASTER_KEY,
    RAMPART_DATABASE_URL: `postgres://rampart:${DB_PASSWORD}@db.internal:5432/rampart`,
    RAMPART_REDIS_URL: `redis://:${REDIS_PASSWORD}@cache.internal:6379`,
    RAMPART_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };

  it('--json prints every RAMPART_* variable, the secrets as [redacted] and nowhere in the output', async () => {
    const run = await rampart(['config', '--json'], { ...secrets, RAMPART_DATA_DIR: join(tempDir(), 'data') });
    expect(run.code).toBe(0);
    const printed = json(run);
    expect(Object.keys(printed).sort()).toEqual(VARIABLES.map((variable) => variable.env).sort());
    for (const name of Object.keys(secrets)) expect(printed[name]).toBe('[redacted]');
    for (const value of [MASTER_KEY, DB_PASSWORD, REDIS_PASSWORD, ADMIN_PASSWORD]) {
      expect(run.stdout).not.toContain(value);
      expect(run.stderr).not.toContain(value);
    }
  });

  it('as text, too, prints no secret', async () => {
    const run = await rampart(['config'], { ...secrets, RAMPART_DATA_DIR: join(tempDir(), 'data') });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('RAMPART_DATABASE_URL=[redacted]');
    for (const value of [MASTER_KEY, DB_PASSWORD, REDIS_PASSWORD, ADMIN_PASSWORD]) expect(run.stdout + run.stderr).not.toContain(value);
  });

  it('an invalid variable exits non-zero with one line naming it, and no stack', async () => {
    const run = await rampart(['config', '--json'], { RAMPART_PORT: 'abc' });
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^rampart: RAMPART_PORT: /);
    expect(run.stdout + run.stderr).not.toMatch(/\bat .+:\d+:\d+|\.ts\b|node_modules/);
    // With --json, stdout says the same as JSON.
    expect(json(run)).toEqual({ error: { variable: 'RAMPART_PORT', message: expect.stringMatching(/^RAMPART_PORT: /) as unknown } });
  });

  it('an invalid secret is refused without echoing its value', async () => {
    const run = await rampart(['config'], { RAMPART_DATABASE_URL: `mysql://root:${DB_PASSWORD}@db/x`, RAMPART_MASTER_KEY: 'short-secret' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/RAMPART_DATABASE_URL/);
    expect(run.stdout + run.stderr).not.toContain(DB_PASSWORD);
    expect(run.stdout + run.stderr).not.toContain('short-secret');
  });

  it('a misspelt RAMPART_* variable is refused by name', async () => {
    const run = await rampart(['config'], { RAMPART_PORTT: '8080' });
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^rampart: RAMPART_PORTT: /);
  });

  it('--config reads a JSON file of RAMPART_* keys, and the environment wins over it', async () => {
    const file = join(tempDir(), 'rampart.json');
    writeFileSync(file, JSON.stringify({ RAMPART_PORT: 9999, RAMPART_LOG_LEVEL: 'warn', RAMPART_CORS_ORIGINS: ['https://app.example'] }));
    const run = await rampart(['config', '--json', '--config', file], { RAMPART_LOG_LEVEL: 'error' });
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({ RAMPART_PORT: 9999, RAMPART_LOG_LEVEL: 'error', RAMPART_CORS_ORIGINS: ['https://app.example'] });

    writeFileSync(file, JSON.stringify({ RAMPART_PORTT: 1 }));
    const misspelt = await rampart(['--config', file, 'config']);
    expect(misspelt.code).not.toBe(0);
    expect(misspelt.stderr).toMatch(/RAMPART_PORTT/);
  });
});

for (const backend of await backends()) {
  describe(`rampart migrate on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    afterAll(async () => {
      await store?.cleanup();
    });

    it('applies every migration on a fresh store, with progress on stderr, and is a no-op the second time', async () => {
      store = await backend.create();
      const first = await rampart(['migrate', '--json'], store.env);
      expect(first.code).toBe(0);
      expect(json(first)).toEqual({ dialect: backend.name, applied: Object.keys(MIGRATIONS) });
      for (const name of Object.keys(MIGRATIONS)) expect(first.stderr).toContain(`applying ${name}`);
      expect(first.stderr).toMatch(/\] \d+\/\d+ done/);

      const second = await rampart(['migrate', '--json'], store.env);
      expect(second.code).toBe(0);
      expect(json(second)).toEqual({ dialect: backend.name, applied: [] });
      if (store.databaseUrl !== undefined) {
        const password = new URL(store.databaseUrl).password;
        expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(`:${password}@`);
      }
    });
  });
}

interface DoctorReport {
  readonly ok: boolean;
  readonly checks: { readonly name: string; readonly status: 'pass' | 'warn' | 'fail'; readonly reason: string }[];
}

async function doctor(env: Record<string, string>): Promise<{ run: Run; report: DoctorReport }> {
  const run = await rampart(['doctor', '--json'], env);
  return { run, report: json(run) as unknown as DoctorReport };
}

const check = (report: DoctorReport, name: string) => report.checks.find((entry) => entry.name === name);

describe('rampart doctor', () => {
  /** A data directory as `rampart init` leaves it (init itself is tested above; this saves a process). */
  function initialised(masterKey?: string): string {
    const dataDir = join(tempDir(), 'data');
    initialiseDataDirectory({ dataDir, masterKey: masterKey === undefined ? undefined : new Secret(Buffer.from(masterKey, 'base64')) });
    return dataDir;
  }

  it('passes or warns on a fresh init (exit 0), warns on the generated key file, and changes nothing', async () => {
    const dataDir = initialised();
    const before = readdirSync(dataDir).sort();
    const { run, report } = await doctor({ RAMPART_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThan(0);
    for (const entry of report.checks) {
      expect(Object.keys(entry).sort()).toEqual(['name', 'reason', 'status']);
      expect(['pass', 'warn']).toContain(entry.status);
      expect(entry.reason.length).toBeGreaterThan(0);
    }
    expect(check(report, 'data-directory')?.status).toBe('pass');
    expect(check(report, 'master-key')).toMatchObject({ status: 'warn' });
    expect(check(report, 'master-key')?.reason).toContain(join(dataDir, 'master.key'));
    // Regression: doctor created (and migrated nothing into) an empty rampart.db.
    expect(readdirSync(dataDir).sort()).toEqual(before);
  });

  it('passes the master-key check with RAMPART_MASTER_KEY', async () => {
    const dataDir = initialised(MASTER_KEY);
    const { run, report } = await doctor({ RAMPART_DATA_DIR: dataDir, RAMPART_MASTER_KEY: MASTER_KEY });
    expect(run.code).toBe(0);
    expect(check(report, 'master-key')?.status).toBe('pass');
    expect(run.stdout + run.stderr).not.toContain(MASTER_KEY);
  });

  it('fails (exit 1) on a world-readable data directory, naming it', async () => {
    const dataDir = initialised();
    chmodSync(dataDir, 0o755);
    const { run, report } = await doctor({ RAMPART_DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(report.ok).toBe(false);
    expect(check(report, 'data-directory')).toMatchObject({ status: 'fail' });
    expect(check(report, 'data-directory')?.reason).toContain(`${dataDir} is 0755`);
  });

  it('fails (exit 1) on a world-readable file in the data directory, naming it', async () => {
    const dataDir = initialised();
    const keyFile = join(dataDir, 'master.key');
    chmodSync(keyFile, 0o644);
    const { run, report } = await doctor({ RAMPART_DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(check(report, 'data-directory')?.reason).toContain(`${keyFile} is 0644`);
  });

  it('fails (exit 1) when RAMPART_TRUST_PROXY trusts every address', async () => {
    const dataDir = initialised();
    const { run, report } = await doctor({ RAMPART_DATA_DIR: dataDir, RAMPART_TRUST_PROXY: '0.0.0.0/0' });
    expect(run.code).toBe(1);
    expect(check(report, 'trust-proxy')).toMatchObject({ status: 'fail' });
    expect(check(report, 'trust-proxy')?.reason).toContain('0.0.0.0/0');
  });
});

function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as unknown }));
    }).on('error', reject);
  });
}

describe('rampart serve', () => {
  const children: Child[] = [];
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop()));
  });

  const serve = (cwd: string): Child => {
    const child = startChild(process.execPath, ['--import', TSX, MAIN, 'serve', '--json'], { cwd, env: cleanEnv({ RAMPART_PORT: '0' }) });
    children.push(child);
    return child;
  };

  it('starts on the README defaults (./data, loopback), keeps ./data 0700 and its files 0600, and exits 0 on SIGTERM', async () => {
    const cwd = tempDir();
    const child = serve(cwd);
    const started = await child.waitForJson((line) => 'redirect_url' in line, 'its {"url": …} line');
    const url = String(started.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await getJson(`${url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });

    const dataDir = join(cwd, 'data');
    expect(mode(dataDir)).toBe(0o700);
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['master.key', 'rampart.db']));
    for (const file of files) expect({ file, mode: mode(join(dataDir, file)) }).toEqual({ file, mode: 0o600 });

    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.stdout.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });

  it('refuses to start on an existing world-readable data directory, saying how to fix it', async () => {
    const cwd = tempDir();
    const dataDir = join(cwd, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    chmodSync(dataDir, 0o755);
    const child = serve(cwd);
    const exit = await child.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(child.stdout.some((line) => line.includes('redirect_url'))).toBe(false);
    const message = JSON.stringify(child.stdout) + child.stderr();
    expect(message).toContain(`${dataDir} is 0755`);
    expect(message).toContain('chmod');
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
  });
});
