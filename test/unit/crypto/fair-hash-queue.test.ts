/**
 * Fair admission to the password hasher (issue 13, item 8; docs/decisions/011-login-throttling.md):
 * one source holds a bounded share, trusted sign-ins keep reserved places and run first, and the
 * dummy hash of an unknown account only takes spare room. Tasks are promises the test resolves.
 */
import { describe, expect, it } from 'vitest';
import { FairHashQueue, type HashLane } from '../../../src/identity/accounts/crypto/fair-hash-queue.js';

/** A task that runs until `done()`; `started` says whether it began. */
function gate() {
  let done: () => void = () => undefined;
  const state = { started: false };
  const promise = new Promise<void>((resolve) => (done = resolve));
  return {
    state,
    done: () => done(),
    task: () => {
      state.started = true;
      return promise;
    },
  };
}

const ticket = (source: string, lane: HashLane = 'account') => ({ source, lane });

describe('FairHashQueue', () => {
  it('hardening 8: one source holds at most its share, running and waiting together', () => {
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 16, perSource: 2 });
    expect(queue.submit(ticket('4:198.51.100.1'), gate().task)).toBeDefined();
    expect(queue.submit(ticket('4:198.51.100.1'), gate().task)).toBeDefined();
    expect(queue.submit(ticket('4:198.51.100.1'), gate().task)).toBeUndefined();
    expect(queue.inFlight('4:198.51.100.1')).toBe(2);
    // Another source still gets in.
    expect(queue.submit(ticket('4:198.51.100.2'), gate().task)).toBeDefined();
    expect(queue.queued).toBe(2);
  });

  it('hardening 8: a flood of sources fills the shared line, the reserved places still take a trusted hash, which runs first', async () => {
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 16, reserved: 4, perSource: 1 });
    const first = gate();
    void queue.submit(ticket('4:203.0.113.200'), first.task);
    const flood = Array.from({ length: 60 }, (_, i) => queue.submit(ticket(`4:198.51.100.${i}`), gate().task));
    expect(flood.filter((p) => p !== undefined)).toHaveLength(12); // 16 places − 4 reserved
    expect(queue.queued).toBe(12);
    const trusted = gate();
    const admitted = queue.submit(ticket('4:192.0.2.7', 'trusted'), trusted.task);
    expect(admitted).toBeDefined();
    first.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(trusted.state.started).toBe(true); // ahead of the twelve that waited longer
  });

  it('hardening 8: a dummy hash only takes spare room and never the place of a real one', () => {
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 16, reserved: 4, perSource: 1 });
    void queue.submit(ticket('4:203.0.113.200'), gate().task);
    const dummies = Array.from({ length: 20 }, (_, i) => queue.submit(ticket(`4:198.51.100.${i}`, 'dummy'), gate().task));
    expect(dummies.filter((p) => p !== undefined)).toHaveLength(6); // half of the 12 shared places
    const real = Array.from({ length: 20 }, (_, i) => queue.submit(ticket(`4:198.18.0.${i}`, 'account'), gate().task));
    expect(real.filter((p) => p !== undefined)).toHaveLength(6); // the rest of the shared part is theirs
    expect(queue.submit(ticket('4:198.18.1.1', 'dummy'), gate().task)).toBeUndefined();
    expect(queue.submit(ticket('4:198.18.1.2', 'recent'), gate().task)).toBeDefined(); // half the reserve
    expect(queue.submit(ticket('4:198.18.1.3', 'recent'), gate().task)).toBeDefined();
    expect(queue.submit(ticket('4:198.18.1.4', 'recent'), gate().task)).toBeUndefined();
    expect(queue.submit(ticket('4:198.18.1.5', 'trusted'), gate().task)).toBeDefined();
    expect(queue.submit(ticket('4:198.18.1.6', 'trusted'), gate().task)).toBeDefined();
    expect(queue.submit(ticket('4:198.18.1.7', 'trusted'), gate().task)).toBeUndefined(); // the line is full
  });

  it('hardening 8: a hash without a ticket keeps the whole line and no source share', () => {
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 4 });
    const admitted = Array.from({ length: 6 }, () => queue.submit(undefined, gate().task));
    expect(admitted.filter((p) => p !== undefined)).toHaveLength(5);
  });

  it('hardening 8: the wait bound counts only the lanes ahead of a trusted hash', () => {
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 64, perSource: 64, maxWaitMs: 250, initialTaskMs: 100, now: () => 0 });
    void queue.submit(ticket('4:203.0.113.1'), gate().task);
    void queue.submit(ticket('4:203.0.113.1'), gate().task);
    // An account hash would wait for two, then run: 300 ms > 250 ms.
    expect(queue.submit(ticket('4:203.0.113.2'), gate().task)).toBeUndefined();
    // A trusted one goes before the waiting one: 200 ms.
    expect(queue.submit(ticket('4:203.0.113.3', 'trusted'), gate().task)).toBeDefined();
  });

  it('refuses bounds that make no sense', () => {
    expect(() => new FairHashQueue({ maxConcurrent: 1, maxQueued: 4, reserved: 5 })).toThrow(RangeError);
    expect(() => new FairHashQueue({ maxConcurrent: 1, maxQueued: 4, perSource: 0 })).toThrow(RangeError);
    expect(() => new FairHashQueue({ maxConcurrent: 0, maxQueued: 4 })).toThrow(RangeError);
  });
});
