/**
 * The audit routes through the real server, on every backend: the public verifier key parses and
 * verifies the checkpoint; proofs from the routes verify (RFC 9162) against the checkpoint's
 * root; bad parameters are 400 `validation_failed`; the checkpoint and proofs need a principal;
 * each new checkpoint is appended to the witness file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyConsistency, verifyInclusion } from '../../src/audit/crypto/merkle.js';
import { openCheckpoint, parseVkey } from '../../src/audit/crypto/signed-note.js';
import type { Authenticator } from '../../src/kernel/ports/authenticator.js';
import type { AlertingAuditLog } from '../../src/audit/services/audit-alerts.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { auditEvent } from '../helpers/audit.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/**
 * A test implementation of the Authenticator port: one fixed bearer token → one principal (not
 * shaped like a JWS, so identity's bearer authenticator passes it on).
 */
const fixedAuthenticator: Authenticator = {
  name: 'test-fixed',
  authenticate(request) {
    if (request.authorization !== 'Bearer auditor-token') return Promise.resolve({ outcome: 'none' });
    return Promise.resolve({ outcome: 'authenticated', principal: { type: 'user', id: 'usr_auditor', via: 'bearer' } });
  },
};
const AUTH = { authorization: 'Bearer auditor-token' };
const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

for (const backend of await backends()) {
  describe(`audit routes on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let witness: string;

    beforeEach(async () => {
      instance = await backend.create();
      witness = join(instance.dataDir, '..', 'witness.jsonl');
      server = await testServer(instance, { authenticators: [fixedAuthenticator], env: { RAMPART_AUDIT_WITNESS_FILE: witness } });
      await Promise.all(Array.from({ length: 13 }, (_, n) => server.rampart.audit.record(auditEvent(n))));
    });
    afterEach(async () => {
      await server.close();
      await instance.cleanup();
    });

    const get = (url: string, headers: Record<string, string> = AUTH) => server.app.inject({ method: 'GET', url, headers });

    async function integrate(): Promise<void> {
      const log = (server.rampart.audit as AlertingAuditLog).inner as { integrate?: () => Promise<number | undefined> };
      await log.integrate?.();
    }

    it('serves a vkey that verifies the signed checkpoint, which is also witnessed', async () => {
      await integrate();
      const key = await get('/api/v1/audit/verifier-key', {});
      expect(key.statusCode).toBe(200);
      expect(key.headers['content-type']).toMatch(/^text\/plain/);
      const parsed = parseVkey(key.body.trim());
      if (!parsed.ok) throw new Error(parsed.code);
      expect(parsed.verifier.name).toBe('127.0.0.1:8080/rampart/audit');
      const note = await get('/api/v1/audit/checkpoint');
      expect(note.statusCode).toBe(200);
      const opened = openCheckpoint(note.body, [parsed.verifier], parsed.verifier.name);
      if (!opened.ok) throw new Error(opened.code);
      expect(opened.checkpoint.size).toBe(13);
      // The witness gets the newest checkpoint just after it is signed (latest-only, off the signing path).
      for (const deadline = Date.now() + 10_000; !existsSync(witness) && Date.now() < deadline;) {
        await new Promise((wait) => setTimeout(wait, 50));
      }
      expect(
        readFileSync(witness, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
      ).toEqual([{ checkpoint: note.body }]);
    });

    it('answers inclusion and consistency proofs that verify against the checkpoint roots', async () => {
      await integrate();
      const first = openCheckpoint(
        (await get('/api/v1/audit/checkpoint')).body,
        [verifierOf(await get('/api/v1/audit/verifier-key', {}))],
        '127.0.0.1:8080/rampart/audit',
      );
      if (!first.ok) throw new Error(first.code);
      await Promise.all(Array.from({ length: 8 }, (_, n) => server.rampart.audit.record(auditEvent(100 + n))));
      await integrate();
      const second = await server.rampart.auditService.issueCheckpoint();
      const head = openCheckpoint(second, [verifierOf(await get('/api/v1/audit/verifier-key', {}))], '127.0.0.1:8080/rampart/audit');
      if (!head.ok) throw new Error(head.code);
      expect(head.checkpoint.size).toBe(21);
      for (const index of [0, 7, 12, 20]) {
        const response = await get(`/api/v1/audit/proof/inclusion?index=${index}&tree_size=21`);
        expect(response.statusCode).toBe(200);
        const body = response.json<{ index: number; tree_size: number; root_hash: string; leaf_hash: string; proof: string[] }>();
        expect(body).toMatchObject({ index, tree_size: 21, root_hash: Buffer.from(head.checkpoint.rootHash).toString('base64') });
        expect(verifyInclusion(b64(body.leaf_hash), index, 21, body.proof.map(b64), head.checkpoint.rootHash)).toEqual({ ok: true });
      }
      const response = await get('/api/v1/audit/proof/consistency?first=13&second=21');
      expect(response.statusCode).toBe(200);
      const body = response.json<{ first: number; second: number; tree_size: number; proof: string[] }>();
      expect(body).toMatchObject({ first: 13, second: 21, tree_size: 21 });
      expect(verifyConsistency(13, 21, body.proof.map(b64), first.checkpoint.rootHash, head.checkpoint.rootHash)).toEqual({ ok: true });
    });

    it.each([
      ['/api/v1/audit/proof/inclusion?index=13&tree_size=13', 'index not below tree_size'],
      ['/api/v1/audit/proof/inclusion?index=0&tree_size=14', 'tree_size beyond the log'],
      ['/api/v1/audit/proof/inclusion?index=-1&tree_size=5', 'negative index'],
      ['/api/v1/audit/proof/inclusion?index=x&tree_size=5', 'an index that is not a number'],
      ['/api/v1/audit/proof/consistency?first=5&second=4', 'first > second'],
      ['/api/v1/audit/proof/consistency?first=0&second=4', 'first = 0'],
      ['/api/v1/audit/proof/consistency?first=1&second=99', 'second beyond the log'],
      ['/api/v1/audit/proof/consistency?first=1', 'a missing parameter'],
    ])('refuses %s (%s) with 400 validation_failed', async (url) => {
      await integrate();
      expectProblem(await get(url), 'validation_failed');
    });

    it('needs a principal for the checkpoint and the proofs', async () => {
      expectProblem(await get('/api/v1/audit/checkpoint', {}), 'unauthenticated');
      expectProblem(await get('/api/v1/audit/proof/inclusion?index=0&tree_size=1', {}), 'unauthenticated');
      expectProblem(await get('/api/v1/audit/proof/consistency?first=1&second=1', {}), 'unauthenticated');
    });
  });
}

function verifierOf(response: { body: string }) {
  const parsed = parseVkey(response.body.trim());
  if (!parsed.ok) throw new Error(parsed.code);
  return parsed.verifier;
}
