/**
 * The RevocationSequence contract (src/kernel/ports/revocation-sequence.ts), run on every adapter.
 * The ordering case is the one the bus rests on: a reader following the sequence while two
 * instances append concurrently must never see a position before an earlier one exists, or it
 * would move its cursor past a revocation and never deliver it.
 */
import { describe, expect, it } from 'vitest';
import type { RevocationSequence } from '../../src/kernel/ports/revocation-sequence.js';

export interface SequenceFixture {
  /** Two handles on the same record (two instances). */
  readonly sequences: readonly [RevocationSequence, RevocationSequence];
  cleanup(): Promise<void>;
}

export function revocationSequenceContract(name: string, create: () => Promise<SequenceFixture>): void {
  describe(`RevocationSequence contract: ${name}`, () => {
    async function withFixture(test: (fixture: SequenceFixture) => Promise<void>): Promise<void> {
      const fixture = await create();
      try {
        await test(fixture);
      } finally {
        await fixture.cleanup();
      }
    }

    it('an empty sequence has head 0 and nothing after 0', () =>
      withFixture(async ({ sequences: [a] }) => {
        expect(await a.head()).toBe(0);
        expect(await a.oldest()).toBe(0);
        expect(await a.after(0, 10)).toEqual([]);
      }));

    it('appends get increasing positions, read back in order with their fields, by either handle', () =>
      withFixture(async ({ sequences: [a, b] }) => {
        const first = await a.append({ kind: 'session', id: 'ses_1', revokedAt: 10 }, 100);
        const second = await b.append({ kind: 'api_key', id: 'key_2', revokedAt: 20 }, 200);
        expect(second).toBeGreaterThan(first);
        expect(await b.head()).toBe(second);
        expect(await b.after(0, 10)).toEqual([
          { seq: first, kind: 'session', id: 'ses_1', revokedAt: 10 },
          { seq: second, kind: 'api_key', id: 'key_2', revokedAt: 20 },
        ]);
        expect(await a.after(first, 10)).toEqual([{ seq: second, kind: 'api_key', id: 'key_2', revokedAt: 20 }]);
        expect(await a.after(0, 1)).toHaveLength(1);
      }));

    it('a reader following concurrent appends from two handles never sees a later position before an earlier one', () =>
      withFixture(async ({ sequences: [a, b] }) => {
        const appended: number[] = [];
        let done = false;
        const writers = [a, b].map(async (sequence, writer) => {
          for (let i = 0; i < 40; i++) {
            const batch = await Promise.all(
              [0, 1, 2].map((j) => sequence.append({ kind: 'client', id: `cli_${writer}_${i}_${j}`, revokedAt: i }, i)),
            );
            appended.push(...batch);
          }
        });
        const seen: number[] = [];
        const reader = (async () => {
          let cursor = 0;
          while (!done || cursor < Math.max(0, ...appended)) {
            const page = await a.after(cursor, 50);
            for (const revocation of page) {
              // Contiguous from the cursor: no position is skipped to be committed later.
              expect(revocation.seq).toBe(cursor + 1);
              cursor = revocation.seq;
              seen.push(revocation.seq);
            }
            if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
          }
        })();
        await Promise.all(writers);
        done = true;
        await reader;
        expect(seen.sort((x, y) => x - y)).toEqual([...appended].sort((x, y) => x - y));
      }));

    it('purge removes what was recorded before the time, never the newest, and head does not go back', () =>
      withFixture(async ({ sequences: [a] }) => {
        await a.append({ kind: 'session', id: 'ses_old', revokedAt: 1 }, 1000);
        const kept = await a.append({ kind: 'session', id: 'ses_new', revokedAt: 2 }, 5000);
        expect(await a.purge(2000)).toBe(1);
        expect((await a.after(0, 10)).map((r) => r.id)).toEqual(['ses_new']);
        expect(await a.oldest()).toBe(kept);
        expect(await a.purge(10_000)).toBe(0);
        expect(await a.head()).toBe(kept);
        const next = await a.append({ kind: 'authz', id: 'org_1', revokedAt: 3 }, 6000);
        expect(next).toBeGreaterThan(kept);
      }));
  });
}
