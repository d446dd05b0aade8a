/**
 * Issue 22 item 3, key custody: with a PKCS#11 token (a real SoftHSM2 token), every key Rampart
 * keeps is derived from, or wrapped by a key derived from, one root key that exists only sealed
 * by the token — the master key is not needed at all; a start without the token fails closed,
 * naming it. A master-key deployment moves to the token with `rampart keys custody migrate`
 * (audited, resumable), and its keys — signing keys, sealed TOTP secrets, everything derived —
 * keep working. `doctor` tells where each key kind lives.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKeyCustody, custodyTable } from '../../src/cli/key-doctor.js';
import { runKeysCustodyMigrate } from '../../src/cli/commands/keys-custody.js';
import { MASTER_KEY_FILE } from '../../src/kernel/adapters/fs/master-key-file.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import { SEALED_ROOT_FILE } from '../../src/kernel/custody/sealed-root-file.js';
import { backupFilesOf } from '../../src/capabilities.js';
import { TokenCustodyError } from '../../src/kernel/custody/key-custody.js';
import { createRampart } from '../../src/rampart.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { LogCapture, testConfig, testServer } from '../helpers/rampart.js';
import { createSoftHsmToken, softhsmAvailable, type SoftHsmToken } from '../helpers/softhsm.js';

const available = softhsmAvailable();
const sqlite = (await backends()).find((backend) => backend.name === 'sqlite');

/** A login proves the signing key, the audit key and the derived keys open; the JWT's kid names the signing key. */
async function loginKid(backend: BackendInstance, env: Record<string, string>): Promise<string> {
  const server = await testServer(backend, { env: { ...ADMIN_ENV, ...env } });
  try {
    const grant = await login(server.app);
    const header = JSON.parse(Buffer.from(grant.access_token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid: string };
    return header.kid;
  } finally {
    await server.close();
  }
}

describe.skipIf(!available || sqlite === undefined)('key custody under a PKCS#11 token', () => {
  let token: SoftHsmToken;
  beforeAll(() => {
    token = createSoftHsmToken('rampart-custody');
  });
  afterAll(() => {
    token.cleanup();
  });

  it('promises 3: a fresh deployment with a token keeps every key under it: no master key, restarts open the same keys, and a start without the token fails closed naming it', async () => {
    const backend = await (sqlite as NonNullable<typeof sqlite>).create();
    try {
      const kid = await loginKid(backend, token.env);
      expect(existsSync(join(backend.dataDir, MASTER_KEY_FILE))).toBe(false);
      const sealed = join(backend.dataDir, SEALED_ROOT_FILE);
      expect(statSync(sealed).mode & 0o777).toBe(0o600);
      // A second start opens the same root through the token: the same signing key signs.
      expect(await loginKid(backend, token.env)).toBe(kid);
      // Without the token the start fails, naming it, and creates no master key.
      const config = testConfig(backend, { ...ADMIN_ENV });
      const refused = await createRampart(config, {
        logger: (await import('../../src/kernel/adapters/log/pino-logger.js')).createLogger('silent', new LogCapture()),
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(TokenCustodyError);
      expect((refused as Error).message).toContain('rampart-custody');
      expect(existsSync(join(backend.dataDir, MASTER_KEY_FILE))).toBe(false);
      // Doctor: every kind lives under the token.
      const withToken = testConfig(backend, token.env);
      expect(checkKeyCustody(withToken).status).toBe('pass');
      for (const row of custodyTable(withToken)) expect(row.lives).toMatch(/token rampart-custody/);
      // A backup carries the sealed root: without it, even the token could not open the keys.
      expect(backupFilesOf(withToken)).toContain(SEALED_ROOT_FILE);
    } finally {
      await backend.cleanup();
    }
  });

  it('promises 3: rampart keys custody migrate moves a master-key deployment to the token (audited, resumable) and its keys keep working without the master key', async () => {
    const backend = await (sqlite as NonNullable<typeof sqlite>).create();
    try {
      // A deployment under the master key file, with the token configured for its secrets.
      const kid = await loginKid(backend, {});
      expect(existsSync(join(backend.dataDir, MASTER_KEY_FILE))).toBe(true);
      const before = testConfig(backend, token.env);
      expect(checkKeyCustody(before)).toMatchObject({ status: 'warn' });
      expect(checkKeyCustody(before).reason).toContain('rampart keys custody migrate');

      const stdout = new LogCapture();
      expect(await runKeysCustodyMigrate(before, createOutput(true, stdout, new LogCapture()), false)).toBe(0);
      expect(JSON.parse(stdout.lines[0] ?? '{}')).toMatchObject({ custody: 'token', token: 'rampart-custody', step: 'sealed' });
      // Run again (as after a crash): it finds the sealed root, checks it, and removes the key file.
      const again = new LogCapture();
      expect(await runKeysCustodyMigrate(before, createOutput(true, again, new LogCapture()), true)).toBe(0);
      expect(JSON.parse(again.lines[0] ?? '{}')).toMatchObject({ step: 'resumed', key_file_removed: true });
      expect(existsSync(join(backend.dataDir, MASTER_KEY_FILE))).toBe(false);

      // No master key anywhere now: the token opens the root, and the same signing key signs.
      expect(await loginKid(backend, token.env)).toBe(kid);
      const server = await testServer(backend, { env: { ...ADMIN_ENV, ...token.env } });
      try {
        const entries = await server.stored.db
          .selectFrom('audit_entries')
          .select(['action', 'actor_type', 'actor_id', 'result'])
          .where('action', '=', 'keys.custody.migrate')
          .execute();
        expect(entries).toEqual([
          { action: 'keys.custody.migrate', actor_type: 'system', actor_id: 'cli', result: 'success' },
          { action: 'keys.custody.migrate', actor_type: 'system', actor_id: 'cli', result: 'success' },
        ]);
      } finally {
        await server.close();
      }
    } finally {
      await backend.cleanup();
    }
  });

  it('promises 3: migrate refuses without a token, naming what to set, and changes nothing', async () => {
    const backend = await (sqlite as NonNullable<typeof sqlite>).create();
    try {
      const stderr = new LogCapture();
      expect(await runKeysCustodyMigrate(testConfig(backend), createOutput(false, new LogCapture(), stderr), false)).toBe(2);
      expect(stderr.text).toContain('RAMPART_KEK_SOURCE=pkcs11');
      expect(existsSync(join(backend.dataDir, SEALED_ROOT_FILE))).toBe(false);
    } finally {
      await backend.cleanup();
    }
  });
});
