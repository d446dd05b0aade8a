/**
 * `rowLeaf` spells the leaf text directly (the append path pays for it per entry): it must be
 * byte for byte the RFC 8785 canonical JSON that `auditLeaf(rowEntry(row), personal)` gives, for
 * every shape a row takes — optional fields absent, nulls, format 1 and 2, personal references,
 * nested details, numbers, escapes and non-ASCII text — and refuse what canonical JSON refuses.
 */
import { describe, expect, it } from 'vitest';
import { entryColumns, rowEntry, rowLeaf } from '../../../../src/audit/adapters/audit-rows.js';
import type { AuditEntryColumns } from '../../../../src/audit/adapters/audit-tables.js';
import { auditLeaf } from '../../../../src/audit/crypto/audit-leaf.js';
import { parsePersonalRef, personalRefText } from '../../../../src/audit/crypto/audit-personal.js';
import { CanonicalJsonError, canonicalJson } from '../../../../src/kernel/crypto/canonical-json.js';

const reference = (row: AuditEntryColumns, index: number): string => auditLeaf(rowEntry(row, index), parsePersonalRef(row.personal));

const base: AuditEntryColumns = entryColumns(
  {
    org: 'org_1',
    actor: { type: 'user', id: 'usr_1' },
    action: 'user.update',
    resource: 'usr_1',
    result: 'success',
    sourceIp: '192.0.2.1',
    requestId: 'req_1',
  },
  Date.UTC(2026, 0, 1, 12, 30, 15, 7),
);

const variants: [string, Partial<AuditEntryColumns>][] = [
  ['the minimal row', {}],
  [
    'every optional field',
    { reason: 'bad password', user_agent: 'Agent/1.0', details: canonicalJson({ b: [1, 2.5, -3e-7], a: { z: null, y: true } }) },
  ],
  ['nulls where allowed', { actor_id: null, source_ip: null, request_id: null }],
  ['a format-1 subject (in the leaf)', { subject: 'usr_9', format: 1 }],
  ['a format-2 subject (kept out of the leaf)', { subject: 'usr_9', format: 2 }],
  [
    'a personal reference',
    {
      format: 2,
      subject: 'usr_9',
      personal: personalRefText({ fields: ['actor.id', 'details.email', 'source_ip'], commitment: 'q83v+/A=' }),
    },
  ],
  ['a malformed personal column (left out, as the reference does)', { personal: '{"fields":3}' }],
  ['escapes and controls', { resource: 'a"b\\c\n\t\u0001\u001f\u007f', reason: '</script>' }],
  ['non-ASCII and astral text', { resource: 'é ü 日本 😀', org: 'ørg', details: canonicalJson({ ключ: '値', '😀': 1 }) }],
  ['unusual numbers in details', { details: canonicalJson({ big: 1e21, small: 5e-324, neg: -0, int: 9007199254740991 }) }],
  ['an old timestamp', { timestamp: 0 }],
];

describe('rowLeaf', () => {
  for (const [name, change] of variants) {
    it(`is the canonical leaf for ${name}`, () => {
      const row = { ...base, ...change };
      for (const index of [0, 1, 4095, 9_999_999, Number.MAX_SAFE_INTEGER - 1]) expect(rowLeaf(row, index)).toBe(reference(row, index));
    });
  }

  it('uses the personal reference given instead of parsing the column', () => {
    const personal = { fields: ['source_ip'], commitment: 'abc=' };
    const row = { ...base, format: 2, personal: personalRefText(personal) };
    expect(rowLeaf(row, 3, personal)).toBe(reference(row, 3));
  });

  it('refuses a lone surrogate, as canonical JSON does', () => {
    const row = { ...base, resource: 'x\uD800y' };
    expect(() => rowLeaf(row, 0)).toThrow(CanonicalJsonError);
    expect(() => reference(row, 0)).toThrow(CanonicalJsonError);
    expect(rowLeaf({ ...base, resource: 'x\uD83D\uDE00y' }, 0)).toBe(reference({ ...base, resource: 'x\uD83D\uDE00y' }, 0));
  });
});
