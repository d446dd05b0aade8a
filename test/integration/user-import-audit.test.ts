/**
 * `rampart user import` with an audit log (issue 13, item 1): each imported account is recorded as
 * `user.create` by `system` before it is stored, and when the log cannot record, the account is
 * not created — on every backend.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { UserImport } from '../../src/identity/accounts/services/user-import.js';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

class RefusingAuditLog extends MemoryAuditLog {
  override record(_event: AuditEvent): Promise<void> {
    return Promise.reject(new DomainError('audit_unavailable', 'The audit log cannot record'));
  }
}

const LINES = ['{"email":"one@example.test","name":"One"}', '{"email":"two@example.test"}', '{"email":"admin@example.test"}'];

for (const backend of await backends()) {
  describe(`user import, audited, on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 1: every imported account is recorded first; a taken email is skipped without an entry', async () => {
      const audit = new MemoryAuditLog();
      const users = new SqlUserStore(server.rampart.database.db);
      const report = await new UserImport(users, new FakeClock(), audit).run(LINES, () => undefined);
      expect(report).toEqual({ imported: 2, skipped: 1, failed: [] });
      const one = await users.findByEmail('one@example.test');
      expect(audit.events().map((e) => [e.action, e.actor, e.resource, e.result, e.details])).toEqual([
        ['user.create', { type: 'system', id: null }, one?.id, 'success', { imported: true, line: 1 }],
        [
          'user.create',
          { type: 'system', id: null },
          (await users.findByEmail('two@example.test'))?.id,
          'success',
          { imported: true, line: 2 },
        ],
      ]);
    });

    it('hardening 1: when the log cannot record, the import stops and no account is created', async () => {
      const users = new SqlUserStore(server.rampart.database.db);
      const before = await users.count();
      await expect(new UserImport(users, new FakeClock(), new RefusingAuditLog()).run(LINES, () => undefined)).rejects.toMatchObject({
        code: 'audit_unavailable',
      });
      expect(await users.count()).toBe(before);
      expect(await users.findByEmail('one@example.test')).toBeUndefined();
    });
  });
}
