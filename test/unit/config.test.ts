import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, VARIABLES, describeConfig, loadConfig } from '../../src/config.js';

function refused(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration', () => {
  it('has secure defaults with an empty environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://127.0.0.1:8080');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.selfRegistration).toBe(false);
    expect(config.corsOrigins).toEqual([]);
    expect(config.accessTokenTtl).toBe(900);
    expect(config.refreshTokenTtl).toBe(604_800);
    expect(config.sessionIdleTimeout).toBe(1800);
    expect(config.sessionAbsoluteTimeout).toBe(28_800);
    expect(config.loginRateLimit).toBe(10);
    expect(config.rateLimit).toBe(600);
    expect(config.trustProxy).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.bodyLimit).toBe(1_048_576);
  });

  it('is frozen', () => {
    const config = loadConfig({ env: { RAMPART_CORS_ORIGINS: 'https://a.example' } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it.each([
    ['RAMPART_PORT', 'abc'],
    ['RAMPART_PORT', '70000'],
    ['RAMPART_PORT', '-1'],
    ['RAMPART_ACCESS_TOKEN_TTL', '901'],
    ['RAMPART_ACCESS_TOKEN_TTL', '1.5'],
    ['RAMPART_PUBLIC_URL', 'ftp://x'],
    ['RAMPART_PUBLIC_URL', 'https://user:pw@example.com'],
    ['RAMPART_DATABASE_URL', 'mysql://x'],
    ['RAMPART_DATABASE_MIGRATION_URL', 'mysql://x'],
    ['RAMPART_REDIS_URL', 'http://x'],
    ['RAMPART_MASTER_KEY', 'c2hvcnQ='],
    ['RAMPART_SELF_REGISTRATION', 'yes'],
    ['RAMPART_CORS_ORIGINS', '*'],
    ['RAMPART_CORS_ORIGINS', 'null'],
    ['RAMPART_CORS_ORIGINS', 'https://a.example/path'],
    ['RAMPART_TRUST_PROXY', 'true'],
    ['RAMPART_TRUST_PROXY', '10.0.0.0/33'],
    ['RAMPART_LOG_LEVEL', 'loud'],
    ['RAMPART_BOOTSTRAP_ADMIN_PASSWORD', 'short'],
    ['RAMPART_SECURITY_CONTACT', 'http://insecure.example'],
    ['RAMPART_HTTP_REDIRECT_PORT', '8081'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    const error = refused({ [name]: value });
    expect(error.variable).toBe(name);
    expect(error.message.startsWith(`${name}: `)).toBe(true);
  });

  it('never echoes a secret value in its error', () => {
    const error = refused({ RAMPART_BOOTSTRAP_ADMIN_PASSWORD: 'tiny-secret' });
    expect(error.message).not.toContain('tiny-secret');
    const keyError = refused({ RAMPART_MASTER_KEY: 'bm90LWEtMzItYnl0ZS1rZXk=' });
    expect(keyError.message).not.toContain('bm90LWEtMzItYnl0ZS1rZXk=');
  });

  it('refuses an unknown RAMPART_ variable (a misspelt setting must not be silently ignored)', () => {
    expect(refused({ RAMPART_RATE_LIMT: '5' }).variable).toBe('RAMPART_RATE_LIMT');
  });

  it('needs TLS cert and key together', () => {
    expect(refused({ RAMPART_TLS_CERT: '/tmp/cert.pem' }).variable).toBe('RAMPART_TLS_KEY');
  });

  it('needs RAMPART_DATABASE_URL (the working role) with RAMPART_DATABASE_MIGRATION_URL (the owner)', () => {
    const error = refused({ RAMPART_DATABASE_MIGRATION_URL: 'postgres://owner:owner-pw-9@db.internal/rampart' });
    expect(error.variable).toBe('RAMPART_DATABASE_MIGRATION_URL');
    expect(error.message).not.toContain('owner-pw-9');
  });

  it('refuses an absolute timeout shorter than the idle timeout', () => {
    const error = refused({ RAMPART_SESSION_IDLE_TIMEOUT: '3600', RAMPART_SESSION_ABSOLUTE_TIMEOUT: '600' });
    expect(error.variable).toBe('RAMPART_SESSION_ABSOLUTE_TIMEOUT');
  });

  it('reads a JSON file of the same keys, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-config-'));
    const file = join(dir, 'rampart.json');
    writeFileSync(file, JSON.stringify({ RAMPART_PORT: 9000, RAMPART_RATE_LIMIT: 50, RAMPART_CORS_ORIGINS: ['https://a.example'] }));
    const config = loadConfig({ env: { RAMPART_PORT: '9100' }, file });
    expect(config.port).toBe(9100);
    expect(config.rateLimit).toBe(50);
    expect(config.corsOrigins).toEqual(['https://a.example']);
  });

  it('refuses a config file with an unknown key or that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-config-'));
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ RAMPART_NOPE: 1 }));
    expect(() => loadConfig({ env: {}, file: unknown })).toThrow(/RAMPART_NOPE/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadConfig({ env: {}, file: broken })).toThrow(/--config: .* is not valid JSON/);
  });

  it('keeps secrets redacted when printed, serialised or described', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      env: {
        RAMPART_MASTER_KEY: key,
        RAMPART_DATABASE_URL: 'postgres://app:hunter2-db@db.internal:5432/rampart',
        RAMPART_DATABASE_MIGRATION_URL: 'postgres://owner:hunter3-owner@db.internal:5432/rampart',
        RAMPART_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple',
      },
    });
    const outputs = [
      JSON.stringify(config),
      inspect(config, { depth: 5 }),
      JSON.stringify(describeConfig(config)),
      String(config.masterKey),
    ];
    for (const output of outputs) {
      expect(output).not.toContain(key);
      expect(output).not.toContain('hunter2-db');
      expect(output).not.toContain('hunter3-owner');
      expect(output).not.toContain('correct horse');
    }
    expect(describeConfig(config).RAMPART_DATABASE_URL).toBe('[redacted]');
    expect(describeConfig(config).RAMPART_DATABASE_MIGRATION_URL).toBe('[redacted]');
    expect(config.databaseUrl?.reveal()).toContain('hunter2-db');
  });

  it('is documented: the README table lists exactly the variables of src/config.ts, with their defaults', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `(RAMPART_[A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((match) => [match[1], match[2]?.trim()]);
    expect(rows).toEqual(VARIABLES.map((variable) => [variable.env, variable.defaultText]));
  });

  it('covers every variable of the spec table', () => {
    const spec = readFileSync(new URL('../fixtures/spec-config-variables.txt', import.meta.url), 'utf8');
    const names = new Set(VARIABLES.map((variable) => variable.env));
    for (const name of spec.split('\n').filter((line) => line.startsWith('RAMPART_'))) expect(names).toContain(name);
  });
});
