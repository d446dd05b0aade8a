/**
 * The MfaStore contract (src/identity/mfa/ports/mfa-store.ts), run on every adapter and backend,
 * with several handles acting as several instances: an enrolment goes from pending to confirmed
 * once, with its recovery codes all or nothing; the accepted TOTP step only moves forward and a
 * step is accepted once; a recovery code is used once; a login challenge counts its attempts
 * atomically and never past the cap, and is consumed once; and a store that fails rejects.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserStore } from '../../src/identity/accounts/ports/user-store.js';
import type { ChallengeClaim, MfaStore } from '../../src/identity/mfa/ports/mfa-store.js';

export interface MfaStoreSubject {
  /** Several handles on one store (instances); the first is used for setup. */
  readonly stores: readonly MfaStore[];
  /** The accounts MFA state belongs to (the user must exist). */
  readonly users: UserStore;
  /** A store of the same kind whose backing database has gone away. */
  unavailable(): Promise<MfaStore>;
  cleanup(): Promise<void>;
}

const NOW = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const hash = (n: number): string => n.toString(16).padStart(64, '0');
/** Ten recovery-code hashes, from `hash(from)`. */
const codes = (from: number): string[] => Array.from({ length: 10 }, (_, i) => hash(from + i));
/** A TOTP step of 2026 (30 s steps since the epoch). */
const STEP = Math.floor(NOW / 30_000);

export function mfaStoreContract(name: string, make: () => Promise<MfaStoreSubject>): void {
  describe(`MfaStore contract: ${name}`, () => {
    let subject: MfaStoreSubject;
    let store: MfaStore;
    /** The store at `i`, round robin over the instances. */
    const instance = (i: number): MfaStore => subject.stores[i % subject.stores.length]!;

    /**
     * Opens a connection per caller on every instance before a race: a pool that must connect
     * first (tens of ms each on PostgreSQL) would start the callers one after another, and
     * nothing would race.
     */
    async function warm(callers = 12): Promise<void> {
      await Promise.all(Array.from({ length: callers }, (_, i) => instance(i).findTotp('usr_nobody')));
    }

    beforeEach(async () => {
      subject = await make();
      store = subject.stores[0]!;
      for (const id of ['usr_1', 'usr_2']) {
        await subject.users.create({ id, email: `${id}@example.test`, name: null, passwordHash: null, now: NOW });
      }
    });

    afterEach(async () => {
      await subject?.cleanup();
    });

    /** Enrols `userId` and confirms at `step` with `codeHashes`. */
    async function enrol(userId: string, codeHashes: readonly string[], step = STEP): Promise<void> {
      expect(await store.startTotp(userId, `sealed for ${userId}`, NOW)).toBe(true);
      expect(await store.confirmTotp(userId, step, codeHashes, NOW + 1)).toBe(true);
    }

    describe('enrolment', () => {
      it('starts pending, replaces a pending enrolment, confirms once; a confirmed one is not replaced', async () => {
        expect(await store.findTotp('usr_1')).toBeUndefined();
        expect(await store.startTotp('usr_1', 'sealed-1', NOW)).toBe(true);
        expect(await store.findTotp('usr_1')).toEqual({ userId: 'usr_1', secretSealed: 'sealed-1', confirmed: false, lastStep: null });
        expect(await subject.stores.at(-1)!.startTotp('usr_1', 'sealed-2', NOW + 1)).toBe(true);
        expect(await store.findTotp('usr_1')).toEqual({ userId: 'usr_1', secretSealed: 'sealed-2', confirmed: false, lastStep: null });
        expect(await store.confirmTotp('usr_1', STEP, codes(100), NOW + 2)).toBe(true);
        expect(await store.findTotp('usr_1')).toEqual({ userId: 'usr_1', secretSealed: 'sealed-2', confirmed: true, lastStep: STEP });
        expect(await store.startTotp('usr_1', 'sealed-3', NOW + 3)).toBe(false);
        expect(await store.confirmTotp('usr_1', STEP + 5, codes(200), NOW + 4)).toBe(false);
        expect(await store.findTotp('usr_1')).toEqual({ userId: 'usr_1', secretSealed: 'sealed-2', confirmed: true, lastStep: STEP });
        // The refused confirmation replaced no recovery code.
        expect(await store.consumeRecoveryCode('usr_1', hash(200), NOW + 5)).toBe(false);
        expect(await store.consumeRecoveryCode('usr_1', hash(100), NOW + 5)).toBe(true);
        // Another user's state is their own.
        expect(await store.findTotp('usr_2')).toBeUndefined();
        expect(await store.startTotp('usr_2', 'sealed-b', NOW)).toBe(true);
        expect(await store.findTotp('usr_1')).toMatchObject({ secretSealed: 'sealed-2', confirmed: true });
      });

      it('under concurrent starts, none is refused while nothing is confirmed, and one of their secrets is pending', async () => {
        await warm();
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => instance(i).startTotp('usr_1', `sealed-${i}`, NOW)));
        // The port says `false` only when a confirmed enrolment exists: a start that loses the race
        // on the row is not one (it was answered 409 "TOTP is already enabled" once on PostgreSQL).
        expect(results).toEqual(Array.from({ length: 6 }, () => true));
        const stored = await store.findTotp('usr_1');
        expect(stored).toMatchObject({ userId: 'usr_1', confirmed: false, lastStep: null });
        expect(stored?.secretSealed).toMatch(/^sealed-[0-5]$/);
        // Once confirmed, no concurrent start replaces it.
        expect(await store.confirmTotp('usr_1', STEP, codes(100), NOW + 1)).toBe(true);
        await warm();
        expect(await Promise.all(Array.from({ length: 6 }, (_, i) => instance(i).startTotp('usr_1', `later-${i}`, NOW + 2)))).toEqual(
          Array.from({ length: 6 }, () => false),
        );
        expect(await store.findTotp('usr_1')).toEqual({
          userId: 'usr_1',
          secretSealed: stored?.secretSealed,
          confirmed: true,
          lastStep: STEP,
        });
      });

      it('confirms nothing when nothing is pending, and creates no recovery code', async () => {
        expect(await store.confirmTotp('usr_1', STEP, codes(100), NOW)).toBe(false);
        expect(await store.findTotp('usr_1')).toBeUndefined();
        expect(await store.consumeRecoveryCode('usr_1', hash(100), NOW)).toBe(false);
      });

      it('of N concurrent confirmations, on several instances, one wins and only its recovery codes exist', async () => {
        expect(await store.startTotp('usr_1', 'sealed-1', NOW)).toBe(true);
        await warm();
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => instance(i).confirmTotp('usr_1', STEP + i, codes(100 * (i + 1)), NOW + 1)),
        );
        expect(results.filter((won) => won)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.findTotp('usr_1')).toMatchObject({ confirmed: true, lastStep: STEP + winner });
        for (let i = 0; i < 6; i++) {
          expect(await store.consumeRecoveryCode('usr_1', hash(100 * (i + 1) + 3), NOW + 2), `codes of confirmation ${i}`).toBe(
            i === winner,
          );
        }
      });

      it('confirms all or nothing: when the codes cannot all be stored, the enrolment stays pending and no code exists', async () => {
        expect(await store.startTotp('usr_1', 'sealed-1', NOW)).toBe(true);
        // The same hash twice: a store may refuse it (then nothing changes) or store the set.
        const twice = [...codes(100), hash(100)];
        const outcome = await store.confirmTotp('usr_1', STEP, twice, NOW + 1).catch((error: unknown) => error);
        if (outcome instanceof Error) {
          expect(await store.findTotp('usr_1')).toEqual({ userId: 'usr_1', secretSealed: 'sealed-1', confirmed: false, lastStep: null });
          for (const code of codes(100)) expect(await store.consumeRecoveryCode('usr_1', code, NOW + 2)).toBe(false);
          expect(await store.confirmTotp('usr_1', STEP, codes(100), NOW + 3)).toBe(true);
        } else {
          expect(outcome).toBe(true);
          expect(await store.findTotp('usr_1')).toMatchObject({ confirmed: true, lastStep: STEP });
        }
        for (const code of codes(100)) expect(await store.consumeRecoveryCode('usr_1', code, NOW + 4)).toBe(true);
      });

      it('disable removes the enrolment and every recovery code, once; a pending enrolment too', async () => {
        await enrol('usr_1', codes(100));
        await enrol('usr_2', codes(200));
        expect(await store.consumeRecoveryCode('usr_1', hash(100), NOW + 2)).toBe(true);
        expect(await subject.stores.at(-1)!.disableTotp('usr_1')).toBe(true);
        expect(await store.disableTotp('usr_1')).toBe(false);
        expect(await store.findTotp('usr_1')).toBeUndefined();
        for (const code of codes(100)) expect(await store.consumeRecoveryCode('usr_1', code, NOW + 3)).toBe(false);
        expect(await store.acceptStep('usr_1', STEP + 10)).toBe(false);
        // The other user keeps theirs.
        expect(await store.findTotp('usr_2')).toMatchObject({ confirmed: true });
        expect(await store.consumeRecoveryCode('usr_2', hash(205), NOW + 3)).toBe(true);
        // A fresh enrolment starts pending; disabling it is a disable too.
        expect(await store.startTotp('usr_1', 'sealed-again', NOW + 4)).toBe(true);
        expect(await store.findTotp('usr_1')).toMatchObject({ confirmed: false, lastStep: null });
        expect(await store.disableTotp('usr_1')).toBe(true);
        expect(await store.findTotp('usr_1')).toBeUndefined();
        expect(await store.disableTotp('usr_nobody')).toBe(false);
      });
    });

    describe('TOTP steps (RFC 6238 §5.2)', () => {
      it('accepts only a step later than the last accepted one; the confirming step is spent', async () => {
        await enrol('usr_1', codes(100));
        expect(await store.acceptStep('usr_1', STEP)).toBe(false);
        expect(await store.acceptStep('usr_1', STEP - 1)).toBe(false);
        expect(await store.acceptStep('usr_1', STEP + 1)).toBe(true);
        expect(await subject.stores.at(-1)!.acceptStep('usr_1', STEP + 1)).toBe(false);
        expect(await store.acceptStep('usr_1', STEP + 10)).toBe(true);
        expect(await store.acceptStep('usr_1', STEP + 5)).toBe(false);
        expect(await store.findTotp('usr_1')).toMatchObject({ lastStep: STEP + 10 });
      });

      it('accepts no step for a pending enrolment, nor for a user without one', async () => {
        expect(await store.startTotp('usr_1', 'sealed-1', NOW)).toBe(true);
        expect(await store.acceptStep('usr_1', STEP)).toBe(false);
        expect(await store.findTotp('usr_1')).toMatchObject({ confirmed: false, lastStep: null });
        expect(await store.acceptStep('usr_2', STEP)).toBe(false);
        expect(await store.findTotp('usr_2')).toBeUndefined();
      });

      it('of N concurrent callers with one step, on several instances, exactly one is accepted', async () => {
        await enrol('usr_1', codes(100));
        await warm();
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => instance(i).acceptStep('usr_1', STEP + 1)));
        expect(results.filter((accepted) => accepted)).toHaveLength(1);
        expect(await store.findTotp('usr_1')).toMatchObject({ lastStep: STEP + 1 });
      });

      it('under concurrent steps in any order, the last step only moves forward: it ends at the latest', async () => {
        await enrol('usr_1', codes(100));
        const steps = [4, 9, 1, 7, 12, 3, 10, 2, 11, 6, 5, 8].map((d) => STEP + d);
        await warm();
        const results = await Promise.all(steps.map((step, i) => instance(i).acceptStep('usr_1', step)));
        expect(results[steps.indexOf(STEP + 12)]).toBe(true);
        expect(await store.findTotp('usr_1')).toMatchObject({ lastStep: STEP + 12 });
        expect(await store.acceptStep('usr_1', STEP + 12)).toBe(false);
      });
    });

    describe('recovery codes', () => {
      it('a code is used once, by its own user only; the others stay usable', async () => {
        await enrol('usr_1', codes(100));
        await enrol('usr_2', codes(200));
        expect(await store.consumeRecoveryCode('usr_1', hash(100), NOW + 2)).toBe(true);
        expect(await subject.stores.at(-1)!.consumeRecoveryCode('usr_1', hash(100), NOW + 3)).toBe(false);
        expect(await store.consumeRecoveryCode('usr_1', hash(999), NOW + 3)).toBe(false);
        // usr_2's code is not usr_1's, and trying it does not spend it.
        expect(await store.consumeRecoveryCode('usr_1', hash(201), NOW + 3)).toBe(false);
        expect(await store.consumeRecoveryCode('usr_2', hash(201), NOW + 3)).toBe(true);
        expect(await store.consumeRecoveryCode('usr_2', hash(100), NOW + 3)).toBe(false);
        expect(await store.consumeRecoveryCode('usr_1', hash(101), NOW + 4)).toBe(true);
      });

      it('of N concurrent uses of one code, on several instances, exactly one succeeds; distinct codes all do', async () => {
        await enrol('usr_1', codes(100));
        await warm();
        const same = await Promise.all(Array.from({ length: 12 }, (_, i) => instance(i).consumeRecoveryCode('usr_1', hash(104), NOW + 2)));
        expect(same.filter((used) => used)).toHaveLength(1);
        expect(await store.consumeRecoveryCode('usr_1', hash(104), NOW + 3)).toBe(false);
        const distinct = [100, 101, 102, 103, 105, 106, 107, 108, 109].map((n) => hash(n));
        await warm();
        expect(await Promise.all(distinct.map((code, i) => instance(i).consumeRecoveryCode('usr_1', code, NOW + 4)))).toEqual(
          distinct.map(() => true),
        );
        for (const code of codes(100)) expect(await store.consumeRecoveryCode('usr_1', code, NOW + 5)).toBe(false);
      });
    });

    describe('login challenges', () => {
      const claim: ChallengeClaim = { userId: 'usr_1', deviceName: 'laptop' };

      beforeEach(async () => {
        await store.createChallenge(hash(1), claim, NOW, NOW + 5 * MINUTE);
      });

      it('spendAttempt answers the claim while attempts remain, and never past maxAttempts', async () => {
        for (let i = 0; i < 3; i++) expect(await instance(i).spendAttempt(hash(1), NOW + 1, 3), `attempt ${i + 1}`).toEqual(claim);
        expect(await store.spendAttempt(hash(1), NOW + 2, 3)).toBeUndefined();
        // The count is the challenge's: a lower cap is already reached, a higher one allows more.
        expect(await store.spendAttempt(hash(1), NOW + 3, 2)).toBeUndefined();
        expect(await store.spendAttempt(hash(1), NOW + 4, 4)).toEqual(claim);
        expect(await store.spendAttempt(hash(1), NOW + 5, 4)).toBeUndefined();
        // Another challenge of the same user counts on its own.
        await store.createChallenge(hash(2), { userId: 'usr_1', deviceName: null }, NOW, NOW + 5 * MINUTE);
        expect(await store.spendAttempt(hash(2), NOW + 6, 3)).toEqual({ userId: 'usr_1', deviceName: null });
        expect(await store.spendAttempt(hash(9), NOW + 6, 3)).toBeUndefined();
      });

      it('of N concurrent attempts, on several instances, exactly maxAttempts get the claim', async () => {
        await warm();
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => instance(i).spendAttempt(hash(1), NOW + 1, 5)));
        expect(results.filter((r) => r !== undefined)).toHaveLength(5);
        expect(results.filter((r) => r !== undefined)).toEqual(Array.from({ length: 5 }, () => claim));
        expect(await store.spendAttempt(hash(1), NOW + 2, 5)).toBeUndefined();
      });

      it('refuses attempts and consumption of an expired challenge (expired at its expiry)', async () => {
        expect(await store.spendAttempt(hash(1), NOW + 5 * MINUTE, 3)).toBeUndefined();
        expect(await store.consumeChallenge(hash(1), NOW + 5 * MINUTE)).toBeUndefined();
        expect(await store.spendAttempt(hash(1), NOW + 5 * MINUTE - 1, 3)).toEqual(claim);
        expect(await store.consumeChallenge(hash(1), NOW + 5 * MINUTE - 1)).toEqual(claim);
      });

      it('consumeChallenge gives the claim once; a consumed challenge takes no more attempts', async () => {
        expect(await store.spendAttempt(hash(1), NOW + 1, 3)).toEqual(claim);
        expect(await store.consumeChallenge(hash(1), NOW + 2)).toEqual(claim);
        expect(await subject.stores.at(-1)!.consumeChallenge(hash(1), NOW + 3)).toBeUndefined();
        expect(await store.spendAttempt(hash(1), NOW + 4, 3)).toBeUndefined();
        expect(await store.consumeChallenge(hash(9), NOW + 4)).toBeUndefined();
      });

      it('of N concurrent consumptions, on several instances, exactly one receives the claim', async () => {
        await warm();
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => instance(i).consumeChallenge(hash(1), NOW + 1)));
        expect(results.filter((r) => r !== undefined)).toEqual([claim]);
      });
    });

    it('a store that fails rejects every call (the caller fails closed)', async () => {
      const down = await subject.unavailable();
      const calls: readonly [string, () => Promise<unknown>][] = [
        ['startTotp', () => down.startTotp('usr_1', 'sealed', NOW)],
        ['findTotp', () => down.findTotp('usr_1')],
        ['confirmTotp', () => down.confirmTotp('usr_1', STEP, codes(100), NOW)],
        ['acceptStep', () => down.acceptStep('usr_1', STEP)],
        ['consumeRecoveryCode', () => down.consumeRecoveryCode('usr_1', hash(100), NOW)],
        ['disableTotp', () => down.disableTotp('usr_1')],
        ['createChallenge', () => down.createChallenge(hash(1), { userId: 'usr_1', deviceName: null }, NOW, NOW + MINUTE)],
        ['spendAttempt', () => down.spendAttempt(hash(1), NOW, 3)],
        ['consumeChallenge', () => down.consumeChallenge(hash(1), NOW)],
      ];
      for (const [method, call] of calls) await expect(call(), method).rejects.toThrow();
    });
  });
}
