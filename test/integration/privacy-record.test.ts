/**
 * Minimisation and the record of processing (issue 22 item 2), on every backend:
 * - `RAMPART_COLLECT_IP=truncated` stores a session's and a security event's address as its
 *   network (IPv4 /24, IPv6 /48); `RAMPART_COLLECT_IP=off` with `RAMPART_COLLECT_USER_AGENT=off`
 *   stores neither — read back from the rows — while login throttling still tells callers apart;
 * - `rampart privacy record --json` / `--markdown` renders every capability's declared activities
 *   with their retention in effect;
 * - drift: every table of the live schema with a personal-data column (an address, a user agent,
 *   an email, a reference to a person) is declared by some capability's processing activities.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVACY_DECLARATIONS } from '../../src/capabilities.js';
import { runPrivacyRecord } from '../../src/compliance/cli/privacy-cli.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import type { CommandContext } from '../../src/kernel/part.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, type Grant } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** Columns that hold personal data: addresses, user agents, emails, names of devices, references to a person. */
const PERSONAL_COLUMNS = [
  'email',
  'new_email',
  'ip',
  'source_ip',
  'user_agent',
  'device_name',
  'user_id',
  'subject',
  'actor_id',
  'created_by',
  'invited_by',
  'cancelled_by',
  'revoked_by',
];

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

const context = { privacy: PRIVACY_DECLARATIONS } as unknown as CommandContext;

async function signIn(server: TestServer, remoteAddress: string): Promise<Grant> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress,
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' },
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Grant>();
}

async function stored(server: TestServer, sessionId: string) {
  const session = await server.stored.db
    .selectFrom('sessions')
    .select(['ip', 'user_agent'])
    .where('id', '=', sessionId)
    .executeTakeFirstOrThrow();
  const events = await server.stored.db.selectFrom('security_events').select(['ip', 'user_agent']).execute();
  return { session, events };
}

for (const backend of await backends()) {
  describe(`minimisation and the record of processing (${backend.name})`, () => {
    let instance: BackendInstance;
    let truncated: TestServer;
    let off: TestServer;

    beforeAll(async () => {
      instance = await backend.create();
      truncated = await testServer(instance, { background: false, env: { ...ADMIN_ENV, RAMPART_COLLECT_IP: 'truncated' } });
    });

    afterAll(async () => {
      await off?.close();
      await truncated?.close();
      await instance?.cleanup();
    });

    it('promises 2: RAMPART_COLLECT_IP=truncated stores the IPv4 /24 and the IPv6 /48 of a session, its user agent in full', async () => {
      const v4 = await signIn(truncated, '203.0.113.77');
      const first = await stored(truncated, v4.session_id);
      expect(first.session).toEqual({ ip: '203.0.113.0', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' });
      const v6 = await signIn(truncated, '2001:db8:abcd:12:3456::1');
      expect((await stored(truncated, v6.session_id)).session.ip).toBe('2001:db8:abcd::');
      const addresses = (await stored(truncated, v6.session_id)).events.map((event) => event.ip).filter((ip) => ip !== null);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.every((ip) => ip === '203.0.113.0' || ip === '2001:db8:abcd::')).toBe(true);
    });

    it('promises 2: RAMPART_COLLECT_IP=off and RAMPART_COLLECT_USER_AGENT=off store neither, for sessions and security events', async () => {
      await truncated.close();
      off = await testServer(instance, {
        background: false,
        env: { ...ADMIN_ENV, RAMPART_COLLECT_IP: 'off', RAMPART_COLLECT_USER_AGENT: 'off' },
      });
      await off.stored.db.deleteFrom('security_events').execute();
      const grant = await signIn(off, '198.51.100.23');
      const rows = await stored(off, grant.session_id);
      expect(rows.session).toEqual({ ip: null, user_agent: null });
      expect(rows.events.length).toBeGreaterThan(0);
      expect(rows.events.every((event) => event.ip === null && event.user_agent === null)).toBe(true);
      // The address is never in the request log either.
      expect(off.logs.text).not.toContain('198.51.100.23');
    });

    it('promises 2: rampart privacy record --json lists each activity with purpose, basis, fields, retention in effect and recipients', async () => {
      const stdout = new Capture();
      expect(await runPrivacyRecord(off.rampart.config, createOutput(true, stdout, new Capture()), context, { markdown: false })).toBe(0);
      const record = JSON.parse(stdout.text) as {
        format: string;
        collection: { ip: string; user_agent: string };
        activities: {
          name: string;
          legal_basis: string;
          personal_data: { table: string }[];
          retention: { kind: string; days: number | null }[] | string;
        }[];
      };
      expect(record.format).toBe('rampart-record-of-processing');
      expect(record.collection).toEqual({ ip: 'off', user_agent: 'off' });
      const sessions = record.activities.find((activity) => activity.name === 'Sessions and tokens');
      expect(sessions?.legal_basis).toMatch(/^Art\. 6\(1\)\(b\)/);
      expect(sessions?.retention).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'ended_sessions', days: 30 })]));
      const audit = record.activities.find((activity) => activity.name === 'Audit log');
      expect(audit?.retention).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'audit_payloads', days: null })]));
      const markdown = new Capture();
      expect(await runPrivacyRecord(off.rampart.config, createOutput(false, markdown, new Capture()), context, { markdown: true })).toBe(0);
      expect(markdown.text).toContain('# Record of processing activities (GDPR Art. 30)');
      expect(markdown.text).toContain('| Sessions and tokens |');
    });

    it('promises 2: every table with a personal-data column is declared in the record of processing (drift)', async () => {
      const database = off.stored;
      const columns =
        database.dialect === 'sqlite'
          ? await sql<{ table: string }>`select distinct m.name as "table" from sqlite_master m join pragma_table_info(m.name) p
              where m.type = 'table' and p.name in (${sql.join(PERSONAL_COLUMNS)})`.execute(database.db)
          : await sql<{ table: string }>`select distinct table_name as "table" from information_schema.columns
              where table_schema = current_schema() and column_name in (${sql.join(PERSONAL_COLUMNS)})`.execute(database.db);
      const declared = new Set(PRIVACY_DECLARATIONS.processing.flatMap((activity) => Object.keys(activity.fields)));
      const tables = [...columns.rows.map((row) => row.table), 'users'];
      expect(tables.filter((table) => !declared.has(table)).sort(), 'tables with personal data that no capability declares').toEqual([]);
      // And every declared table exists.
      const all =
        database.dialect === 'sqlite'
          ? await sql<{ table: string }>`select name as "table" from sqlite_master where type = 'table'`.execute(database.db)
          : await sql<{
              table: string;
            }>`select table_name as "table" from information_schema.tables where table_schema = current_schema()`.execute(database.db);
      const existing = new Set(all.rows.map((row) => row.table));
      expect([...declared].filter((table) => !existing.has(table))).toEqual([]);
    });
  });
}
