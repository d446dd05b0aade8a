/**
 * The go-live checks of `rampart doctor` (issue 22 item 6): the password policy, second-factor
 * coverage of platform admins and org owners/admins, platform API keys without expiry and their
 * last use, audit retention, TLS to PostgreSQL and Redis off this host — read from a real
 * deployment on every backend — and tests for the checks that `rampart doctor` already had without
 * one: TLS, default secrets, CORS (src/cli/doctor.ts).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCors, checkDefaultSecrets, checkTls } from '../../src/cli/doctor.js';
import { auditRetentionCheck, databaseTlsCheck, goLiveDoctorChecks, redisTlsCheck } from '../../src/compliance/doctor/go-live-doctor.js';
import { loadConfig } from '../../src/config.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-go-live-'));
const configOf = (env: Record<string, string>) => loadConfig({ env: { RAMPART_DATA_DIR: join(dir, 'data'), ...env } });

for (const backend of await backends()) {
  describe(`go-live doctor (${backend.name})`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let keyId: string;

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { background: false, env: ADMIN_ENV });
      admin = await login(server.app);
      await orgWithOwner(server.app, admin);
      const key = await as(server.app, admin, 'POST', '/api/v1/api-keys', { name: 'root', scopes: ['users.manage'] });
      expect(key.statusCode, key.body).toBe(201);
      keyId = key.json<{ id: string }>().id;
    });

    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('promises 6: doctor names how many admins lack a second factor, and the platform keys that never expire with their last use', async () => {
      const checks = await goLiveDoctorChecks(server.rampart.config);
      const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
      expect(byName['password-policy']).toMatchObject({ status: 'pass', reason: expect.stringMatching(/12 to 128 characters/) });
      expect(byName['mfa-coverage']).toMatchObject({ status: 'warn' });
      expect(byName['mfa-coverage']?.reason).toContain('1 of 1 platform admins and 1 of 1 org owners/admins lack a second factor');
      expect(byName['mfa-coverage']?.reason).toContain('NOT enforced');
      expect(byName['platform-api-keys']).toMatchObject({ status: 'warn' });
      expect(byName['platform-api-keys']?.reason).toContain(keyId);
      expect(byName['platform-api-keys']?.reason).toMatch(/never used|last used/);
      expect(byName['audit-retention']).toMatchObject({ status: 'warn' });
    });

    it('promises 6: a platform key given an expiry (the old one revoked) passes', async () => {
      expect((await as(server.app, admin, 'DELETE', `/api/v1/api-keys/${keyId}`)).statusCode).toBeLessThan(300);
      const expiring = await as(server.app, admin, 'POST', '/api/v1/api-keys', {
        name: 'rotating',
        scopes: ['users.manage'],
        expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      });
      expect(expiring.statusCode, expiring.body).toBe(201);
      const checks = await goLiveDoctorChecks(server.rampart.config);
      expect(checks.find((check) => check.name === 'platform-api-keys')).toMatchObject({ status: 'pass' });
    });
  });
}

describe('go-live doctor: configuration checks', () => {
  it('promises 6: audit retention warns until RAMPART_AUDIT_RETENTION_DAYS is set, and while the purge is off', () => {
    expect(auditRetentionCheck(configOf({})).status).toBe('warn');
    expect(auditRetentionCheck(configOf({ RAMPART_AUDIT_RETENTION_DAYS: '400' }))).toMatchObject({ status: 'pass' });
    expect(auditRetentionCheck(configOf({ RAMPART_AUDIT_RETENTION_DAYS: '400', RAMPART_RETENTION_PURGE_INTERVAL: 'off' })).status).toBe(
      'warn',
    );
  });

  it('promises 6: TLS to PostgreSQL off this host is required (fail), verified (pass) or not (warn)', () => {
    const db = (query: string, host = 'db.internal.example') =>
      databaseTlsCheck(configOf({ RAMPART_DATABASE_URL: `postgres://rampart:s3cret-pw@${host}:5432/rampart${query}` }));
    expect(db('').status).toBe('fail');
    expect(db('?sslmode=disable').status).toBe('fail');
    expect(db('?sslmode=require').status).toBe('warn');
    expect(db('?sslmode=verify-full').status).toBe('pass');
    expect(db('?ssl=true').status).toBe('pass');
    expect(db('', '127.0.0.1').status).toBe('pass');
    expect(db('', 'localhost').status).toBe('pass');
    expect(databaseTlsCheck(configOf({})).status).toBe('pass');
    expect(db('').reason).not.toContain('s3cret-pw');
  });

  it('promises 6: TLS to Redis off this host is required: rediss:// passes, redis:// fails', () => {
    expect(redisTlsCheck(configOf({ RAMPART_REDIS_URL: 'redis://cache.internal.example:6379' })).status).toBe('fail');
    expect(redisTlsCheck(configOf({ RAMPART_REDIS_URL: 'rediss://cache.internal.example:6380' })).status).toBe('pass');
    expect(redisTlsCheck(configOf({ RAMPART_REDIS_URL: 'redis://127.0.0.1:6379' })).status).toBe('pass');
    expect(redisTlsCheck(configOf({})).status).toBe('pass');
  });

  it('promises 6: the TLS check fails plain HTTP on a public interface, warns on loopback, passes behind a TLS proxy', () => {
    expect(checkTls(configOf({ RAMPART_HOST: '0.0.0.0' })).status).toBe('fail');
    expect(checkTls(configOf({ RAMPART_HOST: '127.0.0.1' })).status).toBe('warn');
    expect(
      checkTls(configOf({ RAMPART_HOST: '0.0.0.0', RAMPART_PUBLIC_URL: 'https://id.example.test', RAMPART_TRUST_PROXY: '10.0.0.1' }))
        .status,
    ).toBe('pass');
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    writeFileSync(cert, 'not a certificate');
    writeFileSync(key, 'not a key');
    chmodSync(key, 0o644);
    const files = { RAMPART_TLS_CERT: cert, RAMPART_TLS_KEY: key };
    expect(checkTls(configOf(files))).toMatchObject({ status: 'fail', reason: expect.stringContaining('readable by other users') });
    chmodSync(key, 0o600);
    expect(checkTls(configOf(files))).toMatchObject({ status: 'warn', reason: expect.stringContaining('publicly trusted') });
  });

  it('promises 6: the default-secrets check fails a default database password and warns on a bootstrap password left set', () => {
    expect(checkDefaultSecrets(configOf({ RAMPART_DATABASE_URL: 'postgres://rampart:postgres@db.example:5432/rampart' })).status).toBe(
      'fail',
    );
    expect(checkDefaultSecrets(configOf({ RAMPART_DATABASE_URL: 'postgres://rampart:ChangeMe@db.example:5432/rampart' })).status).toBe(
      'fail',
    );
    const left = checkDefaultSecrets(configOf({ RAMPART_BOOTSTRAP_ADMIN_PASSWORD: 'a long bootstrap passphrase 77' }));
    expect(left.status).toBe('warn');
    expect(left.reason).not.toContain('a long bootstrap passphrase 77');
    expect(
      checkDefaultSecrets(
        configOf({
          RAMPART_DATABASE_URL: 'postgres://rampart:Xq7-long-random@db.example:5432/rampart',
          RAMPART_SECURITY_CONTACT: 'mailto:security@example.com',
          RAMPART_PUBLIC_URL: 'https://id.example.com',
        }),
      ).status,
    ).toBe('pass');
  });

  it('promises 6: the CORS check passes no or HTTPS origins and warns on plain-HTTP origins off loopback', () => {
    expect(checkCors(configOf({})).status).toBe('pass');
    expect(checkCors(configOf({ RAMPART_CORS_ORIGINS: 'https://app.example.com' })).status).toBe('pass');
    expect(checkCors(configOf({ RAMPART_CORS_ORIGINS: 'http://localhost:3000' })).status).toBe('pass');
    const open = checkCors(configOf({ RAMPART_CORS_ORIGINS: 'https://app.example.com,http://app.example.com' }));
    expect(open).toMatchObject({ status: 'warn', reason: expect.stringContaining('http://app.example.com') });
  });
});
