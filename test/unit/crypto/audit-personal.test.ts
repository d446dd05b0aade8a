/**
 * Sealing of audit entries' personal fields (audit/crypto/audit-personal.ts): which fields are taken
 * out, that the commitment binds values and salt, that a sealed value opens only under its key and
 * for its own commitment, and that an erased disclosure reads `[erased]`.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditLeaf } from '../../../src/audit/crypto/audit-leaf.js';
import {
  commitPersonal,
  disclosedEntry,
  disclosureMatches,
  ERASED,
  openPersonal,
  personalCommitment,
  personalRefText,
  sealPersonal,
  sealSplit,
  splitPersonal,
  takePersonal,
} from '../../../src/audit/crypto/audit-personal.js';
import { canonicalJson } from '../../../src/kernel/crypto/canonical-json.js';
import type { AuditEntryFields } from '../../../src/kernel/domain/audit-entry.js';

const event: AuditEntryFields = {
  org: 'system',
  actor: { type: 'user', id: 'usr_a' },
  action: 'auth.login',
  resource: 'ses_1',
  result: 'failure',
  sourceIp: '198.51.100.4',
  requestId: 'req_1',
  userAgent: 'UA/1',
  details: { email: 'a@example.test', method: 'password' },
  subject: 'usr_a',
};

describe('audit personal fields', () => {
  it('takes the subject actor id, address, user agent and personal details out of the entry', () => {
    const split = splitPersonal(event);
    if (split === undefined) throw new Error('nothing split');
    expect(split.subject).toBe('usr_a');
    expect(split.event).toMatchObject({ actor: { type: 'user', id: null }, sourceIp: null, details: { method: 'password' } });
    expect(split.event).not.toHaveProperty('userAgent');
    expect(split.personal.fields).toEqual(['actor.id', 'details.email', 'source_ip', 'user_agent']);
    expect(split.disclosure.values).toEqual({
      'actor.id': 'usr_a',
      'details.email': 'a@example.test',
      source_ip: '198.51.100.4',
      user_agent: 'UA/1',
    });
    const leaf = auditLeaf({ ...split.event, index: 0, timestamp: 0 }, split.personal);
    for (const value of ['198.51.100.4', 'UA/1', 'a@example.test']) expect(leaf).not.toContain(value);
  });

  it("keeps another user's actor id in clear, and seals nothing without a subject", () => {
    const byAdmin = splitPersonal({ ...event, actor: { type: 'user', id: 'usr_admin' } });
    expect(byAdmin?.event.actor).toEqual({ type: 'user', id: 'usr_admin' });
    expect(byAdmin?.personal.fields).not.toContain('actor.id');
    expect(splitPersonal({ ...event, actor: { type: 'system', id: null }, subject: undefined } as AuditEntryFields)).toBeUndefined();
  });

  it('commits to values and salt: another value or salt does not match', () => {
    const split = splitPersonal(event);
    if (split === undefined) throw new Error('nothing split');
    expect(disclosureMatches(split.personal, split.disclosure)).toBe(true);
    expect(disclosureMatches(split.personal, { ...split.disclosure, values: { ...split.disclosure.values, source_ip: '192.0.2.1' } })).toBe(
      false,
    );
    expect(disclosureMatches(split.personal, { ...split.disclosure, salt: randomBytes(16).toString('base64') })).toBe(false);
    // Two splits of the same event commit differently (the salt): equal values are not linkable.
    expect(splitPersonal(event)?.personal.commitment).not.toBe(split.personal.commitment);
    expect(personalCommitment(split.disclosure)).toBe(split.personal.commitment);
  });

  it('opens a sealed value only with its key and for its own commitment', () => {
    const split = splitPersonal(event);
    const other = splitPersonal(event);
    if (split === undefined || other === undefined) throw new Error('nothing split');
    const key = randomBytes(32);
    const sealed = sealPersonal(key, split.personal, split.disclosure);
    expect(sealed).not.toContain('198.51.100.4');
    expect(openPersonal(key, split.personal, sealed)).toEqual(split.disclosure);
    expect(openPersonal(randomBytes(32), split.personal, sealed)).toBeUndefined();
    expect(openPersonal(key, other.personal, sealed)).toBeUndefined();
  });

  it('commits under the salt given, from one canonical text that is also what the seal encrypts', () => {
    const taken = takePersonal(event);
    if (taken === undefined) throw new Error('nothing taken');
    const salt = randomBytes(16);
    const split = commitPersonal(taken, salt);
    expect(split.disclosure.salt).toBe(salt.toString('base64'));
    expect(split.plaintext).toBe(canonicalJson(split.disclosure));
    expect(split.personal.commitment).toBe(personalCommitment(split.disclosure));
    expect(commitPersonal(taken, randomBytes(16)).personal.commitment).not.toBe(split.personal.commitment);
    expect(() => commitPersonal(taken, randomBytes(15))).toThrow(RangeError);
    expect(personalRefText(split.personal)).toBe(canonicalJson(split.personal));
  });

  it('seals a split under the nonce given, openable by openPersonal; another nonce, another ciphertext', () => {
    const split = splitPersonal(event);
    if (split === undefined) throw new Error('nothing split');
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const sealed = sealSplit(key, split, nonce);
    expect(Buffer.from(sealed.slice('v1.'.length), 'base64').subarray(0, 12).equals(nonce)).toBe(true);
    expect(openPersonal(key, split.personal, sealed)).toEqual(split.disclosure);
    expect(sealSplit(key, split, randomBytes(12))).not.toBe(sealed);
    expect(() => sealSplit(key, split, randomBytes(16))).toThrow(RangeError);
  });

  it('reads erased fields as [erased]', () => {
    const split = splitPersonal(event);
    if (split === undefined) throw new Error('nothing split');
    const entry = { ...split.event, index: 3, timestamp: 0 };
    expect(disclosedEntry(entry, split.personal, undefined)).toMatchObject({
      actor: { type: 'user', id: ERASED },
      sourceIp: ERASED,
      userAgent: ERASED,
      details: { email: ERASED, method: 'password' },
    });
    expect(disclosedEntry(entry, split.personal, split.disclosure)).toMatchObject({ actor: { id: 'usr_a' }, sourceIp: '198.51.100.4' });
  });
});
