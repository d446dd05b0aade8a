/**
 * `rampart doctor` as an operator runs it (a real process): it reported a healthy Redis as
 * failing on every run and exited 1 on every Redis deployment, because it pinged before the
 * connection was ready (issue 24 item 4); and it reports requests that reached the server through
 * a proxy on loopback while RAMPART_TRUST_PROXY is unset, which the server records when it first
 * sees one (issue 13 item 12).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROXY_OBSERVATION_FILE } from '../../src/http/proxy-warning.js';
import { initialiseDataDirectory } from '../../src/kernel/adapters/fs/initialise-data-directory.js';
import { sqliteBackend } from '../helpers/backends.js';
import { cleanEnv, freePort } from '../helpers/processes.js';
import { testServer } from '../helpers/rampart.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Report {
  readonly ok: boolean;
  readonly checks: { readonly name: string; readonly status: string; readonly reason: string }[];
}

function doctor(env: Record<string, string>): Promise<{ code: number | null; report: Report; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, 'doctor', '--json'], { cwd: ROOT, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, report: JSON.parse(stdout.trim()) as Report, stderr }));
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function initialised(): string {
  const root = mkdtempSync(join(tmpdir(), 'rampart-doctor-'));
  dirs.push(root);
  const dataDir = join(root, 'data');
  initialiseDataDirectory({ dataDir, masterKey: undefined });
  return dataDir;
}

describe.runIf(await redisAvailable())('rampart doctor and Redis', () => {
  it('faults 4: a healthy Redis passes and the run exits 0', async () => {
    const { code, report, stderr } = await doctor({ RAMPART_DATA_DIR: initialised(), RAMPART_REDIS_URL: REDIS_URL });
    expect(
      report.checks.find((check) => check.name === 'redis'),
      stderr,
    ).toMatchObject({ status: 'pass', reason: 'Redis answers' });
    expect(code).toBe(0);
  }, 60_000);

  it('faults 4: a Redis that does not answer still fails, exit 1', async () => {
    const port = await freePort();
    const { code, report } = await doctor({ RAMPART_DATA_DIR: initialised(), RAMPART_REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(report.checks.find((check) => check.name === 'redis')).toMatchObject({ status: 'fail' });
    expect(code).toBe(1);
  }, 60_000);
});

describe('a proxy on loopback that Rampart does not trust', () => {
  it('hardening 12: the server warns once when X-Forwarded-For arrives from loopback with RAMPART_TRUST_PROXY unset, and doctor reports it', async () => {
    const store = await sqliteBackend.create();
    const server = await testServer(store);
    try {
      const before = await doctor({ RAMPART_DATA_DIR: store.dataDir });
      expect(before.report.checks.find((check) => check.name === 'proxy-headers')).toBeUndefined();

      // Without the header: nothing to say.
      await server.app.inject({ method: 'GET', url: '/healthz' });
      expect(existsSync(join(store.dataDir, PROXY_OBSERVATION_FILE))).toBe(false);
      for (let i = 0; i < 3; i++) {
        await server.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      }
      const warnings = server.logs.lines.filter((line) => line.includes('RAMPART_TRUST_PROXY is unset'));
      expect(warnings).toHaveLength(1);
      expect(existsSync(join(store.dataDir, PROXY_OBSERVATION_FILE))).toBe(true);

      const after = await doctor({ RAMPART_DATA_DIR: store.dataDir });
      expect(after.report.checks.find((check) => check.name === 'proxy-headers')).toMatchObject({ status: 'warn' });
      expect(after.report.checks.find((check) => check.name === 'proxy-headers')?.reason).toContain('RAMPART_TRUST_PROXY');
      // Once the proxy is trusted, the old sighting no longer matters.
      const trusted = await doctor({ RAMPART_DATA_DIR: store.dataDir, RAMPART_TRUST_PROXY: '127.0.0.1' });
      expect(trusted.report.checks.find((check) => check.name === 'proxy-headers')).toBeUndefined();
    } finally {
      await server.close();
      await store.cleanup();
    }
  }, 120_000);

  it('hardening 12: with RAMPART_TRUST_PROXY set, forwarded requests are expected and nothing is logged or recorded', async () => {
    const store = await sqliteBackend.create();
    const server = await testServer(store, { env: { RAMPART_TRUST_PROXY: '127.0.0.1' } });
    try {
      await server.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(server.logs.lines.filter((line) => line.includes('RAMPART_TRUST_PROXY is unset'))).toEqual([]);
      expect(existsSync(join(store.dataDir, PROXY_OBSERVATION_FILE))).toBe(false);
    } finally {
      await server.close();
      await store.cleanup();
    }
  });
});
