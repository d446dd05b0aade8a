/**
 * Issue 22 item 3, key age: every key kind has a rotation period (RAMPART_KEY_ROTATION_DAYS,
 * 90 days by default); `rampart doctor` warns past it naming the kind and its age — API keys
 * included ("rotate API keys regularly, every 90 days") — and with RAMPART_KEY_ROTATION_SCHEDULE=on
 * the access-token signing key is rotated on that schedule, audited. Time is a fake clock.
 * SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKeyAges } from '../../src/cli/key-doctor.js';
import { signingKeyStore, TokenService } from '../../src/identity/index.js';
import { KeyRotationSchedule } from '../../src/identity/tokens/services/key-rotation-schedule.js';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner } from '../helpers/orgs.js';
import { testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const DAY = 86_400_000;

for (const backend of await backends()) {
  describe(`key age (${backend.name})`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    const clock = new FakeClock(Date.now());
    const start = clock.now();

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { env: { ...ADMIN_ENV }, clock });
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const created = await as(server.app, owner.grant, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['members.read'], org: org.id });
      expect(created.statusCode, created.body).toBe(201);
    });
    afterAll(async () => {
      await server.close();
      await instance.cleanup();
    });

    it('promises 3: doctor passes while keys are young and warns past the period, naming each kind and its age, API keys counted', async () => {
      const config = testConfig(instance, { ...ADMIN_ENV });
      expect(await checkKeyAges(config, start + 10 * DAY)).toEqual([expect.objectContaining({ name: 'key-age', status: 'pass' })]);
      const late = await checkKeyAges(config, start + 120 * DAY);
      const reasons = late.map((check) => `${check.status} ${check.reason}`);
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^warn access-token signing key is 120 days old, past the 90-day rotation period \(rampart keys rotate\)/),
          expect.stringMatching(/^warn audit checkpoint key is 120 days old/),
          expect.stringMatching(
            /^warn 1 API key\(s\) older than the 90-day rotation period, the oldest 120 days: rotate API keys regularly/,
          ),
        ]),
      );
      // A shorter period is the operator's: 7 days makes a 10-day-old key due.
      const weekly = testConfig(instance, { ...ADMIN_ENV, RAMPART_KEY_ROTATION_DAYS: '7' });
      expect((await checkKeyAges(weekly, start + 10 * DAY)).some((check) => check.status === 'warn')).toBe(true);
    });

    it('promises 3: the scheduled rotation rotates the signing key once it is past the period, audited, and not before', async () => {
      const config = testConfig(instance, { ...ADMIN_ENV });
      const store = signingKeyStore(config, server.rampart.database.db);
      const tokens = new TokenService({ store, clock, issuer: config.publicUrl, audience: config.publicUrl, ttlSeconds: 300 });
      const audit = new MemoryAuditLog();
      const schedule = new KeyRotationSchedule({
        tokens,
        store,
        audit,
        clock,
        periodMs: 90 * DAY,
        onError: (error) => expect.fail(String(error)),
      });
      const activeBefore = (await store.list()).filter((key) => key.state === 'active').map((key) => key.kid);
      clock.advance(89 * DAY);
      expect(await schedule.tick()).toBeUndefined();
      expect(audit.events()).toEqual([]);
      clock.advance(2 * DAY);
      const kid = await schedule.tick();
      expect(kid).toBeDefined();
      const active = (await store.list()).filter((key) => key.state === 'active').map((key) => key.kid);
      expect(active).toEqual([kid]);
      expect(activeBefore).not.toContain(kid);
      expect(audit.events()).toEqual([
        expect.objectContaining({
          action: 'keys.rotate',
          actor: { type: 'system', id: 'schedule' },
          details: expect.objectContaining({ age_days: 91 }),
        }),
      ]);
      // The new key is young: the next check does nothing.
      expect(await schedule.tick()).toBeUndefined();
    });
  });
}
