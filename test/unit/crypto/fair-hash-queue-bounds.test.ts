// The line's bounds (places, time, failures), for hashes without a ticket: the behaviour the
// password hasher had before admission became fair (fair-hash-queue.test.ts covers the lanes).
import { describe, expect, it } from 'vitest';
import { FairHashQueue, WorkExpiredError } from '../../../src/identity/accounts/crypto/fair-hash-queue.js';
import { HasherBusyError } from '../../../src/identity/accounts/crypto/hasher-busy-error.js';

/** A task that finishes when the test calls the returned `finish`. */
function manual<T>(value: T): { task: () => Promise<T>; finish: () => void } {
  let finish = (): void => undefined;
  const done = new Promise<T>((resolve) => (finish = () => resolve(value)));
  return { task: () => done, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FairHashQueue, ticketless hashes: the bounds of the line', () => {
  it('runs at most maxConcurrent tasks, starts waiting ones in FIFO order, refuses past maxQueued', async () => {
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 2 });
    const started: string[] = [];
    const tasks = ['a', 'b', 'c'].map((name) => manual(name));
    const results = tasks.map((t, i) =>
      queue.submit(undefined, () => {
        started.push(['a', 'b', 'c'][i] ?? '?');
        return t.task();
      }),
    );
    expect(queue.submit(undefined, () => Promise.resolve('d'))).toBeUndefined();
    expect(started).toEqual(['a']);
    expect([queue.running, queue.queued]).toEqual([1, 2]);
    tasks[0]?.finish();
    await tick();
    expect(started).toEqual(['a', 'b']);
    tasks[1]?.finish();
    tasks[2]?.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect([queue.running, queue.queued]).toEqual([0, 0]);
  });

  it('frees the slot when a task throws or rejects', async () => {
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 0 });
    await expect(
      queue.submit(undefined, () => {
        throw new Error('synchronous failure');
      }),
    ).rejects.toThrow('synchronous failure');
    await expect(queue.submit(undefined, () => Promise.reject(new Error('async failure')))).rejects.toThrow('async failure');
    expect(await queue.submit(undefined, () => Promise.resolve(7))).toBe(7);
  });

  it('estimates the wait from the measured durations', async () => {
    let now = 0;
    const queue = new FairHashQueue({ maxConcurrent: 2, maxQueued: 10, initialTaskMs: 100, now: () => now });
    expect(queue.estimatedWaitMs()).toBe(100);
    const slow = manual(undefined);
    const pending = queue.submit(undefined, slow.task);
    now = 1100;
    slow.finish();
    await pending;
    // Moving average: 0.8 × 100 + 0.2 × 1100 = 300 ms per task.
    expect(queue.estimatedWaitMs()).toBeCloseTo(300);
    const held = [manual(1), manual(2), manual(3)];
    const running = held.map((t) => queue.submit(undefined, t.task));
    // Three ahead plus this one on two slots: two rounds.
    expect(queue.estimatedWaitMs()).toBeCloseTo(600);
    held.forEach((t) => t.finish());
    await Promise.all(running);
  });

  it('with maxWaitMs, refuses at once a task whose estimated finish passes the bound, though the queue has room', async () => {
    let now = 0;
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 64, maxWaitMs: 750, initialTaskMs: 50, now: () => now });
    // One measured task of 2,050 ms: the moving average becomes 0.8 × 50 + 0.2 × 2,050 = 450 ms.
    const measured = manual('measured');
    const first = queue.submit(undefined, measured.task);
    now += 2050;
    measured.finish();
    await first;
    const running = manual('running');
    const held = queue.submit(undefined, running.task); // a free slot: runs whatever the estimate
    expect(queue.estimatedWaitMs()).toBeCloseTo(900); // one ahead, then itself: 2 × 450 ms
    let ran = false;
    expect(queue.submit(undefined, () => ((ran = true), Promise.resolve('refused')))).toBeUndefined();
    expect([queue.running, queue.queued, ran]).toEqual([1, 0, false]);
    running.finish();
    await held;
    // The slot is free again: the next task runs, though one task alone is estimated at 450 ms.
    expect(await queue.submit(undefined, () => Promise.resolve('runs'))).toBe('runs');
  });

  it('with maxWaitMs, queues a task whose estimated finish is within the bound', async () => {
    let now = 0;
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 64, maxWaitMs: 750, initialTaskMs: 300, now: () => now });
    const running = manual('running');
    const held = queue.submit(undefined, running.task);
    const queued = queue.submit(undefined, () => Promise.resolve('queued')); // 2 × 300 = 600 ms ≤ 750 ms
    expect(queued).toBeDefined();
    expect(queue.submit(undefined, () => Promise.resolve('refused'))).toBeUndefined(); // 3 × 300 = 900 ms
    now += 10;
    running.finish();
    expect(await Promise.all([held, queued])).toEqual(['running', 'queued']);
  });

  it('with maxWaitMs, rejects a queued task that waited past the bound when its turn comes, and runs the next', async () => {
    let now = 0;
    const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 64, maxWaitMs: 750, initialTaskMs: 100, now: () => now });
    const running = manual('running');
    const held = queue.submit(undefined, running.task);
    let ran = false;
    const late = queue.submit(undefined, () => ((ran = true), Promise.resolve('late')));
    now += 500;
    const fresh = queue.submit(undefined, () => Promise.resolve('fresh'));
    now += 300; // the first queued task has waited 800 ms, the second 300 ms
    running.finish();
    await expect(late).rejects.toBeInstanceOf(WorkExpiredError);
    expect(ran).toBe(false);
    expect(await Promise.all([held, fresh])).toEqual(['running', 'fresh']);
    expect([queue.running, queue.queued]).toEqual([0, 0]);
  });

  it('without maxWaitMs (or with 0), only maxQueued bounds the line', () => {
    for (const maxWaitMs of [undefined, 0]) {
      const queue = new FairHashQueue({ maxConcurrent: 1, maxQueued: 3, maxWaitMs, initialTaskMs: 10_000 });
      const held = [manual(1), manual(2), manual(3), manual(4)];
      expect(held.map((t) => queue.submit(undefined, t.task) !== undefined)).toEqual([true, true, true, true]);
      expect(queue.submit(undefined, () => Promise.resolve(5))).toBeUndefined();
      held.forEach((t) => t.finish());
    }
  });

  it('refuses nonsensical bounds at construction', () => {
    expect(() => new FairHashQueue({ maxConcurrent: 1, maxQueued: 1, maxWaitMs: -1 })).toThrow(RangeError);
    expect(() => new FairHashQueue({ maxConcurrent: 1, maxQueued: 1, maxWaitMs: Number.NaN })).toThrow(RangeError);
    expect(() => new FairHashQueue({ maxConcurrent: 0, maxQueued: 1 })).toThrow(RangeError);
    expect(() => new FairHashQueue({ maxConcurrent: 1.5, maxQueued: 1 })).toThrow(RangeError);
    expect(() => new FairHashQueue({ maxConcurrent: 1, maxQueued: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => new FairHashQueue({ maxConcurrent: 1, maxQueued: 1, initialTaskMs: 0 })).toThrow(RangeError);
  });
});

describe('HasherBusyError', () => {
  it('carries rate_limited and a whole number of seconds, at least 1', () => {
    expect(new HasherBusyError(0.05).retryAfterSeconds).toBe(1);
    expect(new HasherBusyError(2.1).retryAfterSeconds).toBe(3);
    expect(new HasherBusyError(Number.NaN).retryAfterSeconds).toBe(1);
    expect(new HasherBusyError(2).code).toBe('rate_limited');
  });
});
