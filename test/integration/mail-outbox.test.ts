/**
 * The mail capability's outbox against a real SMTP server (test/helpers/smtp.ts), on SQLite and
 * PostgreSQL (issue 17, item 1): a server that is down loses nothing, bodies are stored sealed and
 * removed once sent, a tampered body is never sent, a permanent refusal is given up and audited,
 * and two instances never send one message twice.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import type { MailTemplate } from '../../src/mail/index.js';
import { SqlMailOutbox } from '../../src/mail/adapters/sql-mail-outbox.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const NOTE: MailTemplate = {
  name: 'test.note',
  subject: 'A note for {{name}}',
  text: 'Hello {{name}}, your link: {{link}}',
  html: '<p>Hello {{name}}, your link: <a href="{{link}}">open</a></p>',
};

interface OutboxRow {
  id: string;
  status: string;
  sealed: string | null;
  attempts: number | string;
  last_error: string | null;
  template: string;
}

async function outboxRow(server: TestServer, id: string): Promise<OutboxRow | undefined> {
  const rows = await sql<OutboxRow>`select id, status, sealed, attempts, last_error, template from mail_outbox where id = ${id}`.execute(
    server.stored.db,
  );
  return rows.rows[0];
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const backend of await backends()) {
  describe(`mail outbox on ${backend.name}`, () => {
    let store: BackendInstance;
    let smtp: TestSmtp;
    let audit: MemoryAuditLog;
    const servers: TestServer[] = [];

    /** A server; `background: false` runs no delivery worker (the test calls `deliver()` itself). */
    const start = async (options: { background?: boolean } = {}): Promise<TestServer> => {
      const server = await testServer(store, { env: { ...ADMIN_ENV, ...smtp.config() }, audit, ...options });
      servers.push(server);
      return server;
    };

    beforeEach(async () => {
      store = await backend.create();
      smtp = await startSmtp();
      audit = new MemoryAuditLog();
    });

    afterEach(async () => {
      for (const server of servers.splice(0)) await server.close();
      await smtp?.close();
      await store?.cleanup();
    });

    it('federation 1: a message queued while the SMTP server is down is delivered once it is back', async () => {
      await smtp.stop();
      const server = await start();
      const mail = server.rampart.facade('mail');
      expect(mail.configured).toBe(true);
      const id = await mail.queue({ to: 'ada@example.test', template: NOTE, values: { name: 'Ada', link: 'https://x.test/?token=abc' } });
      // The first attempt fails and is scheduled again; nothing is lost.
      const failed = await until(async () => {
        const row = await outboxRow(server, id);
        return row !== undefined && Number(row.attempts) >= 1 && row.status === 'pending' ? row : undefined;
      }, 'a failed attempt');
      expect(failed.last_error).toBe('connection');
      expect(failed.sealed).not.toBeNull();

      await smtp.start();
      const received = await smtp.waitFor((m) => m.to.includes('ada@example.test'), 15_000);
      expect(received.subject).toBe('A note for Ada');
      expect(received.text).toContain('your link: https://x.test/?token=abc');
      expect(received.html).toContain('href="https://x.test/?token=abc"');
      expect(received.headers.from).toContain('rampart@example.test');
      const sent = await until(async () => {
        const row = await outboxRow(server, id);
        return row?.status === 'sent' ? row : undefined;
      }, 'the sent status');
      expect(sent.sealed).toBeNull();
      expect(smtp.to('ada@example.test')).toHaveLength(1);
    });

    it('federation 1: the stored message is sealed: no recipient, subject or link in the row, and no body after sending', async () => {
      await smtp.stop();
      const server = await start();
      const id = await server.rampart
        .facade('mail')
        .queue({ to: 'grace@example.test', template: NOTE, values: { name: 'Grace', link: 'https://x.test/?token=s3cr3t-token' } });
      const row = await outboxRow(server, id);
      expect(row?.template).toBe('test.note');
      const stored = JSON.stringify(row);
      for (const plain of ['grace@example.test', 'Grace', 's3cr3t-token', 'A note for']) expect(stored).not.toContain(plain);
      expect(row?.sealed).toMatch(/^v1\./);
      // Nothing the server logged holds them either.
      for (const plain of ['grace@example.test', 's3cr3t-token']) expect(server.logs.text).not.toContain(plain);
    });

    it('federation 1: a tampered sealed body is never sent: given up as seal_invalid, audited', async () => {
      const server = await start({ background: false });
      const mail = server.rampart.facade('mail');
      const id = await mail.queue({ to: 'eve@example.test', template: NOTE, values: { name: 'Eve', link: 'https://x.test/' } });
      const row = await outboxRow(server, id);
      const sealed = row?.sealed ?? '';
      // Flip one bit of the ciphertext and make the message due now.
      const raw = Buffer.from(sealed.slice(3), 'base64');
      raw[20] = (raw[20] ?? 0) ^ 1;
      const tampered = `v1.${raw.toString('base64')}`;
      await sql`update mail_outbox set sealed = ${tampered} where id = ${id}`.execute(server.stored.db);
      await mail.deliver();
      const dead = await until(async () => {
        const current = await outboxRow(server, id);
        return current?.status === 'dead' ? current : undefined;
      }, 'the dead status');
      expect(dead.last_error).toBe('seal_invalid');
      expect(dead.sealed).toBeNull();
      expect(smtp.to('eve@example.test')).toEqual([]);
      expect(audit.events().find((e) => e.action === 'mail.undeliverable')).toMatchObject({
        resource: `mail/${id}`,
        result: 'failure',
        reason: 'seal_invalid',
        details: { template: 'test.note' },
      });
      expect(server.logs.text).toContain('mail_integrity_failed');
    });

    it('federation 1: a recipient the server refuses for good is given up at once and audited; nothing is retried', async () => {
      smtp.refuse({ code: 550, message: 'No such mailbox' });
      const server = await start();
      const mail = server.rampart.facade('mail');
      const id = await mail.queue({ to: 'nobody@example.test', template: NOTE, values: { name: 'N', link: 'https://x.test/' } });
      const dead = await until(async () => {
        const row = await outboxRow(server, id);
        return row?.status === 'dead' ? row : undefined;
      }, 'the dead status');
      expect(dead).toMatchObject({ last_error: 'smtp_550', sealed: null });
      expect(Number(dead.attempts)).toBe(1);
      expect(audit.events().find((e) => e.action === 'mail.undeliverable')?.reason).toBe('smtp_550');
    });

    it('federation 1: a claimed message is claimed by no other worker until its lease runs out', async () => {
      const server = await start({ background: false });
      const id = await server.rampart
        .facade('mail')
        .queue({ to: 'c@example.test', template: NOTE, values: { name: 'C', link: 'https://x.test/' } });
      const outbox = new SqlMailOutbox(server.rampart.database.db);
      const now = Date.now();
      const first = await outbox.claim(id, 'mcl_first', now, 60_000);
      expect(first).toMatchObject({ id, attempts: 1, claimId: 'mcl_first' });
      expect(await outbox.claim(id, 'mcl_second', now + 1, 60_000)).toBeUndefined();
      // The first worker's outcome is refused once another has taken over after the lease.
      const second = await outbox.claim(id, 'mcl_second', now + 60_001, 60_000);
      expect(second).toMatchObject({ attempts: 2, claimId: 'mcl_second' });
      expect(await outbox.sent(first!, now + 60_002)).toBe(false);
      expect(await outbox.sent(second!, now + 60_003)).toBe(true);
      expect((await outboxRow(server, id))?.status).toBe('sent');
    });

    // Several instances share one database on PostgreSQL; SQLite serves one instance (one process).
    it.runIf(backend.name === 'postgres')('federation 1: two instances delivering at once send each message exactly once', async () => {
      const first = await start({ background: false });
      const second = await start({ background: false });
      const ids: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        ids.push(
          await first.rampart
            .facade('mail')
            .queue({ to: `r${i}@example.test`, template: NOTE, values: { name: `R${i}`, link: 'https://x.test/' } }),
        );
      }
      await Promise.all([
        first.rampart.facade('mail').deliver(),
        second.rampart.facade('mail').deliver(),
        first.rampart.facade('mail').deliver(),
      ]);
      await until(async () => (smtp.messages.length >= 12 ? true : undefined), 'twelve messages', 15_000);
      // Let any duplicate arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const recipients = smtp.messages.flatMap((m) => m.to);
      expect(recipients).toHaveLength(12);
      expect(new Set(recipients).size).toBe(12);
      for (const id of ids) expect((await outboxRow(first, id))?.status).toBe('sent');
    });

    it('federation 1: a placeholder without a value is refused when queued, and nothing is stored', async () => {
      const server = await start();
      await expect(
        server.rampart.facade('mail').queue({ to: 'ada@example.test', template: NOTE, values: { name: 'Ada' } }),
      ).rejects.toThrow(/no value for \{\{link\}\}/);
      const rows = await sql<{ n: number | string }>`select count(*) as n from mail_outbox`.execute(server.stored.db);
      expect(Number(rows.rows[0]?.n)).toBe(0);
    });
  });
}
