/**
 * Failed logins that store what was typed (issue 13, item 3, the login part). The exploit: people
 * type their password into the email field; an anonymous failed login stored the typed text in
 * the audit log, so anyone with `audit.read` on the system org collected passwords. Now the
 * entry keeps the typed email only when it names an existing account, and otherwise an HMAC
 * under a key derived from the master key: attempts still correlate, the text is gone.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, loginRequest } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const TYPED_PASSWORD = 'Hunter2-my-real-password';

for (const backend of await backends()) {
  describe(`failed-login identifiers on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 3: an unknown typed identifier is audited as a keyed digest, never as text; a real account by its email', async () => {
      store = await backend.create();
      const audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, audit });
      expectProblem(await loginRequest(server.app, TYPED_PASSWORD, 'whatever it was'), 'invalid_credentials');
      expectProblem(await loginRequest(server.app, TYPED_PASSWORD, 'again'), 'invalid_credentials');
      expectProblem(await loginRequest(server.app, 'other text', 'again'), 'invalid_credentials');
      expectProblem(await loginRequest(server.app, ADMIN_EMAIL, 'a wrong password'), 'invalid_credentials');
      const failures = audit.events().filter((e) => e.action === 'auth.login' && e.result === 'failure');
      expect(failures).toHaveLength(4);
      const text = JSON.stringify(audit.events());
      expect(text).not.toContain(TYPED_PASSWORD);
      expect(text).not.toContain(TYPED_PASSWORD.toLowerCase());
      // Not a plain hash either: without the master key, a guess cannot be checked against the log.
      expect(text).not.toContain(createHash('sha256').update(TYPED_PASSWORD.toLowerCase()).digest('base64url'));
      const [first, second, other, known] = failures.map((e) => e.details);
      expect(first).toEqual({ email_digest: expect.stringMatching(/^hmac-sha256:[A-Za-z0-9_-]{43}$/) as unknown });
      expect(second).toEqual(first); // the same text correlates
      expect(other).not.toEqual(first);
      expect(known).toEqual({ email: ADMIN_EMAIL });
    });
  });
}
