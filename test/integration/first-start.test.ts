/**
 * Issue 21 item 1 (first start): the generated admin password used to be printed only by
 * `rampart serve` — lost in library mode, lost on a Ctrl-C before it was printed — and
 * RAMPART_BOOTSTRAP_* set on a deployment with users was ignored in silence. Now `createRampart`
 * returns the notice, it is written at once to a 0600 file in the data directory (deleted when the
 * password is changed), `doctor` warns while it is unchanged, the ignored variables are named at
 * start, and RAMPART_DEV gives a fixed development admin (refused with NODE_ENV=production).
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { runDoctor } from '../../src/cli/commands/doctor.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import type { RampartConfig } from '../../src/kernel/config.js';
import { createRampart, type Rampart } from '../../src/rampart.js';
import { tempDataDir } from '../helpers/backends.js';
import { LogCapture } from '../helpers/rampart.js';

const PUBLIC_URL = 'https://first-start.example.test';
const NEW_PASSWORD = 'violet kestrel mapping the fjord';

function config(dataDir: string, env: Record<string, string> = {}): RampartConfig {
  return loadConfig({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_PUBLIC_URL: PUBLIC_URL, RAMPART_LOG_LEVEL: 'warn', ...env } });
}

/** `rampart doctor` in-process: its JSON result. */
async function doctor(cfg: RampartConfig): Promise<{ checks: { name: string; status: string; reason: string }[] }> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await runDoctor(cfg, createOutput(true, stdout, new PassThrough()));
  return JSON.parse(text) as { checks: { name: string; status: string; reason: string }[] };
}

describe('adoption 1: the first start in library mode', () => {
  const dataDir = tempDataDir('rampart-first-start-');
  const cfg = config(dataDir);
  let rampart: Rampart;

  beforeAll(async () => {
    rampart = await createRampart(cfg, { logger: createLogger('warn', new LogCapture()) });
  });
  afterAll(async () => {
    await rampart.close();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('adoption 1: createRampart returns the bootstrap notice (email, generated password, file) without a reader', () => {
    const notice = rampart.bootstrap;
    expect(notice?.email).toBe('admin@first-start.example.test');
    expect(notice?.generatedPassword?.reveal()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(notice?.file).toBe(join(dataDir, 'bootstrap-admin.txt'));
    // The password is a Secret: serialised or logged, it is redacted.
    expect(JSON.stringify(notice)).not.toContain(notice?.generatedPassword?.reveal());
  });

  it('adoption 1: the notice is written once to a 0600 file in the data directory, naming the account and the password', () => {
    const file = join(dataDir, 'bootstrap-admin.txt');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('email: admin@first-start.example.test');
    expect(text).toContain(`password: ${rampart.bootstrap?.generatedPassword?.reveal() ?? 'missing'}`);
    expect(text).toMatch(/rampart admin recover/);
  });

  it('adoption 1: doctor warns while the generated password is unchanged, naming the admin and the file, never the password', async () => {
    const result = await doctor(cfg);
    const check = result.checks.find((c) => c.name === 'bootstrap-admin');
    expect(check?.status).toBe('warn');
    expect(check?.reason).toContain('admin@first-start.example.test');
    expect(check?.reason).toContain(join(dataDir, 'bootstrap-admin.txt'));
    expect(JSON.stringify(result)).not.toContain(rampart.bootstrap?.generatedPassword?.reveal());
  });

  it('adoption 1: changing the password deletes the file, and doctor passes', async () => {
    const app = await buildServer(rampart);
    try {
      const password = rampart.bootstrap?.generatedPassword?.reveal() ?? '';
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: rampart.bootstrap?.email, password } });
      expect(login.statusCode, login.body).toBe(200);
      const token = login.json<{ access_token: string }>().access_token;
      const changed = await app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: { authorization: `Bearer ${token}` },
        payload: { current_password: password, new_password: NEW_PASSWORD },
      });
      expect(changed.statusCode, changed.body).toBe(204);
    } finally {
      await app.close();
    }
    expect(existsSync(join(dataDir, 'bootstrap-admin.txt'))).toBe(false);
    expect((await doctor(cfg)).checks.find((c) => c.name === 'bootstrap-admin')?.status).toBe('pass');
  });

  it('adoption 1: RAMPART_BOOTSTRAP_* set on a deployment with users warns at start, naming the variables and that they are ignored', async () => {
    const logs = new LogCapture();
    const again = await createRampart(
      config(dataDir, { RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'other@first-start.example.test', RAMPART_BOOTSTRAP_ADMIN_PASSWORD: NEW_PASSWORD }),
      { logger: createLogger('warn', logs) },
    );
    await again.close();
    expect(again.bootstrap).toBeUndefined();
    const text = logs.lines.map((line) => JSON.stringify(line)).join('\n');
    expect(text).toMatch(/RAMPART_BOOTSTRAP_ADMIN_EMAIL and RAMPART_BOOTSTRAP_ADMIN_PASSWORD are set but ignored: users exist already/);
    expect(text).not.toContain(NEW_PASSWORD);
  });
});

describe('adoption 5: RAMPART_DEV', () => {
  it('adoption 5: is refused with NODE_ENV=production, naming both', () => {
    const refused = (() => {
      try {
        loadConfig({ env: { RAMPART_DEV: 'true', NODE_ENV: 'production' } });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).message).toMatch(/RAMPART_DEV: is true while NODE_ENV=production/);
  });

  it('adoption 5: gives a fixed admin from the environment (no first-login change) and no MFA requirement', async () => {
    const dataDir = tempDataDir('rampart-dev-');
    const cfg = config(dataDir, {
      RAMPART_DEV: 'true',
      RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'dev@first-start.example.test',
      RAMPART_BOOTSTRAP_ADMIN_PASSWORD: NEW_PASSWORD,
    });
    expect(cfg.mfaRequiredForAdmins).toBe(false);
    const rampart = await createRampart(cfg, { logger: createLogger('warn', new LogCapture()) });
    try {
      const row = await rampart.database.db
        .selectFrom('users')
        .select('password_change_required_at')
        .where('email', '=', 'dev@first-start.example.test')
        .executeTakeFirstOrThrow();
      expect(row.password_change_required_at).toBeNull();
      expect(existsSync(join(dataDir, 'bootstrap-admin.txt'))).toBe(false);
    } finally {
      await rampart.close();
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
