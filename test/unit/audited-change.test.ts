// kernel/audited-change.ts: the entry is durable before the change runs; a log that cannot record
// means the change never runs; a change that fails after its entry leaves a failure entry beside it.
import { afterEach, describe, expect, it } from 'vitest';
import { auditedChange } from '../../src/kernel/audited-change.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import { hasControlCharacter, NO_CONTROL_CHARACTERS } from '../../src/kernel/http/names.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';
import { sqliteBackend } from '../helpers/backends.js';

describe('auditedChange', () => {
  let store: AuditStore | undefined;
  afterEach(async () => {
    await store?.cleanup();
    store = undefined;
  });

  async function entries(s: AuditStore): Promise<{ action: string; result: string; reason: string | null }[]> {
    return s.db.db.selectFrom('audit_entries').select(['action', 'result', 'reason']).orderBy('leaf_index').execute();
  }

  it('writes the entry before the change runs', async () => {
    store = await auditStore(sqliteBackend);
    const { log } = store.log();
    const s = store;
    let seenBeforeChange = -1;
    const value = await auditedChange(log, auditEvent(2), async () => {
      seenBeforeChange = (await entries(s)).length;
      return 'done';
    });
    expect(value).toBe('done');
    expect(seenBeforeChange).toBe(1);
  });

  it('never runs the change when the log cannot record it', async () => {
    store = await auditStore(sqliteBackend);
    const { log } = store.log();
    await log.close();
    let ran = false;
    await expect(
      auditedChange(log, auditEvent(2), () => {
        ran = true;
        return Promise.resolve();
      }),
    ).rejects.toMatchObject({ code: 'audit_unavailable' });
    expect(ran).toBe(false);
    expect(await entries(store)).toEqual([]);
  });

  it('records a failure entry, with the error code only, when the change fails after its entry', async () => {
    store = await auditStore(sqliteBackend);
    const { log } = store.log();
    await expect(
      auditedChange(log, auditEvent(2), () => Promise.reject(new DomainError('conflict', 'rk_secret_in_message_must_not_appear'))),
    ).rejects.toMatchObject({ code: 'conflict' });
    await log.flush();
    const rows = await entries(store);
    expect(rows.map((row) => [row.result, row.reason])).toEqual([
      ['success', null],
      ['failure', 'not_applied:conflict'],
    ]);
  });
});

describe('names', () => {
  it('refuses C0, DEL, C1, bidi and line controls, and keeps other text', () => {
    const pattern = new RegExp(NO_CONTROL_CHARACTERS, 'u');
    for (const bad of [
      'a\u0000b',
      'line\nbreak',
      'cr\r',
      '\u001b[31mred',
      'del\u007f',
      'c1\u0085',
      'rtl\u202eevil',
      'iso\u2066x',
      'ls\u2028',
    ]) {
      expect(pattern.test(bad), JSON.stringify(bad)).toBe(false);
      expect(hasControlCharacter(bad), JSON.stringify(bad)).toBe(true);
    }
    for (const good of ['Acme Inc.', 'Ünïcødé 名前', 'emoji 🚀', 'tab-free name', "O'Brien & Co"]) {
      expect(pattern.test(good), good).toBe(true);
      expect(hasControlCharacter(good), good).toBe(false);
    }
  });
});
