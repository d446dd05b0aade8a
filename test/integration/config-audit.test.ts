/**
 * Issue 22 item 1, configuration changes and key operations are audited: each server start
 * (`rampart serve`, which composes with `recordConfigStart`)
 * records `config.start` with the effective configuration's digest and the names of the keys that
 * changed since the last start — never a value, a secret's least of all; `rampart keys rotate`
 * records `keys.rotate` with the `system`/`cli` actor before it rotates. SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeysRotate } from '../../src/cli/commands/keys.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV } from '../helpers/identity.js';
import { LogCapture, testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const FIRST_PASSWORD = 'violet lantern orbit 7731';
const SECOND_PASSWORD = 'copper meadow signal 4419';

interface Row {
  action: string;
  actor_type: string;
  actor_id: string | null;
  resource: string;
  details: string | null;
}

async function entries(server: TestServer, action: string): Promise<Row[]> {
  return server.stored.db
    .selectFrom('audit_entries')
    .select(['action', 'actor_type', 'actor_id', 'resource', 'details'])
    .where('action', '=', action)
    .orderBy('leaf_index')
    .execute();
}

for (const backend of await backends()) {
  describe(`configuration and key-operation audits (${backend.name})`, () => {
    let instance: BackendInstance;
    beforeAll(async () => {
      instance = await backend.create();
    });
    afterAll(async () => {
      await instance.cleanup();
    });

    it('promises 1: each start records config.start with the digest and the changed keys, never a value; keys rotate is audited as the cli', async () => {
      const first = await testServer(instance, {
        env: { ...ADMIN_ENV, RAMPART_BOOTSTRAP_ADMIN_PASSWORD: FIRST_PASSWORD },
        recordConfigStart: true,
      });
      await first.close();

      const config = testConfig(instance, { ...ADMIN_ENV });
      const stdout = new LogCapture();
      expect(await runKeysRotate(config, createOutput(true, stdout, new LogCapture()))).toBe(0);
      const { kid } = JSON.parse(stdout.lines[0] ?? '{}') as { kid: string };

      const second = await testServer(instance, {
        env: { ...ADMIN_ENV, RAMPART_BOOTSTRAP_ADMIN_PASSWORD: SECOND_PASSWORD, RAMPART_LOGIN_RATE_LIMIT: '37' },
        recordConfigStart: true,
      });
      try {
        // On PostgreSQL an entry joins the tree when the integrator takes it, just after the start.
        let starts = await entries(second, 'config.start');
        for (
          const deadline = Date.now() + 10_000;
          starts.length < 2 && Date.now() < deadline;
          starts = await entries(second, 'config.start')
        ) {
          await new Promise((wait) => setTimeout(wait, 100));
        }
        expect(starts).toHaveLength(2);
        const [one, two] = starts.map(
          (row) => JSON.parse(row.details ?? '{}') as { digest: string; changed: string[]; first: boolean; previous?: string },
        );
        expect(one).toMatchObject({ first: true, changed: [] });
        expect(one?.digest).toMatch(/^[0-9a-f]{64}$/);
        expect(two?.first).toBe(false);
        expect(two?.previous).toBe(one?.digest);
        expect(two?.changed).toEqual(expect.arrayContaining(['bootstrapAdminPassword', 'loginRateLimit']));
        expect(two?.changed).not.toContain('accessTokenTtl');
        for (const row of starts) expect(row).toMatchObject({ actor_type: 'system', actor_id: null });

        const rotations = await entries(second, 'keys.rotate');
        expect(rotations).toEqual([
          expect.objectContaining({ actor_type: 'system', actor_id: 'cli', resource: 'signing-keys:access-tokens' }),
        ]);
        const signing = await second.stored.db.selectFrom('signing_keys').select('kid').where('state', '=', 'active').execute();
        expect(signing.map((row) => row.kid)).toEqual([kid]);

        // No value reaches the log: neither password, nor a stored config digest table with values.
        const all = await second.stored.db.selectFrom('audit_entries').select(['details', 'resource']).execute();
        const text = JSON.stringify(all);
        expect(text).not.toContain(FIRST_PASSWORD);
        expect(text).not.toContain(SECOND_PASSWORD);
        const state = await second.stored.db.selectFrom('config_state').selectAll().execute();
        expect(JSON.stringify(state)).not.toContain(SECOND_PASSWORD);
        expect(state).toHaveLength(1);
      } finally {
        await second.close();
      }
    });
  });
}
