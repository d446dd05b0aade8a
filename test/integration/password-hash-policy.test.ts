/**
 * Issue 22 item 5: the password-hash policy. `RAMPART_PASSWORD_HASH` (argon2id by default, or
 * bcrypt) with its cost parameters decides what new hashes are made with, and a login under a
 * changed policy rehashes the stored hash — in either direction — on SQLite and PostgreSQL. A
 * policy below the OWASP floor is refused at start, naming the variable; `doctor` reports the policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { checkPasswordHash } from '../../src/cli/key-doctor.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { PasswordHasher } from '../../src/identity/accounts/crypto/password-hasher.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { ADMIN_ENV, ADMIN_EMAIL, ADMIN_PASSWORD, login } from '../helpers/identity.js';
import { testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const HASH_OF = (server: TestServer) =>
  server.stored.db.selectFrom('users').select('password_hash').where('email', '=', ADMIN_EMAIL).executeTakeFirstOrThrow();

for (const backend of await backends()) {
  describe(`password-hash policy (${backend.name})`, () => {
    let instance: BackendInstance;
    beforeAll(async () => {
      instance = await backend.create();
    });
    afterAll(async () => {
      await instance.cleanup();
    });

    it('promises 5: a user created under argon2id logs in under a bcrypt policy and its hash becomes $2b$12$…, and back', async () => {
      // Under bcrypt: the admin's hash is replaced by an argon2id one made at the default policy.
      const bcryptServer = await testServer(instance, { env: { ...ADMIN_ENV, RAMPART_PASSWORD_HASH: 'bcrypt' } });
      try {
        const argon2 = await new PasswordHasher().hash(new Secret(ADMIN_PASSWORD));
        await bcryptServer.stored.db.updateTable('users').set({ password_hash: argon2 }).where('email', '=', ADMIN_EMAIL).execute();
        await login(bcryptServer.app);
        expect((await HASH_OF(bcryptServer)).password_hash).toMatch(/^\$2b\$12\$[./A-Za-z0-9]{53}$/);
      } finally {
        await bcryptServer.close();
      }
      // Back under argon2id (the default): the bcrypt hash is replaced at the next login, once.
      const argonServer = await testServer(instance, { env: { ...ADMIN_ENV } });
      try {
        await login(argonServer.app);
        const rehashed = (await HASH_OF(argonServer)).password_hash;
        expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        await login(argonServer.app);
        expect((await HASH_OF(argonServer)).password_hash).toBe(rehashed);
      } finally {
        await argonServer.close();
      }
    });
  });
}

describe('password-hash policy: configuration and doctor', () => {
  const env = { env: { RAMPART_DATA_DIR: '/nonexistent/rampart-hash-policy' } };

  it('promises 5: a policy below the OWASP floor is refused at start, naming the variable', () => {
    const refusal = (extra: Record<string, string>): ConfigError | undefined => {
      try {
        testConfig(env, extra);
        return undefined;
      } catch (error) {
        return error instanceof ConfigError ? error : undefined;
      }
    };
    expect(refusal({ RAMPART_PASSWORD_HASH: 'md5' })?.variable).toBe('RAMPART_PASSWORD_HASH');
    expect(refusal({ RAMPART_PASSWORD_HASH: 'bcrypt', RAMPART_BCRYPT_COST: '9' })?.variable).toBe('RAMPART_BCRYPT_COST');
    expect(refusal({ RAMPART_ARGON2_MEMORY: '7168' })?.variable).toBe('RAMPART_ARGON2_TIME');
    expect(refusal({ RAMPART_ARGON2_MEMORY: '7168', RAMPART_ARGON2_TIME: '5' })).toBeUndefined();
  });

  it('promises 5: doctor reports the policy', () => {
    expect(checkPasswordHash(testConfig(env)).reason).toContain('argon2id, m=19456 KiB, t=2, p=1');
    const bcrypt = checkPasswordHash(testConfig(env, { RAMPART_PASSWORD_HASH: 'bcrypt', RAMPART_BCRYPT_COST: '13' }));
    expect(bcrypt).toMatchObject({ name: 'password-hash', status: 'pass' });
    expect(bcrypt.reason).toContain('bcrypt, cost 13');
  });
});
