import { describe, expect, it } from 'vitest';
import { BoundedWorkQueue } from '../../../src/crypto/bounded-work-queue.js';
import { HasherBusyError } from '../../../src/crypto/hasher-busy-error.js';

/** A task that finishes when the test calls the returned `finish`. */
function manual<T>(value: T): { task: () => Promise<T>; finish: () => void } {
  let finish = (): void => undefined;
  const done = new Promise<T>((resolve) => (finish = () => resolve(value)));
  return { task: () => done, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BoundedWorkQueue', () => {
  it('runs at most maxConcurrent tasks, starts waiting ones in FIFO order, refuses past maxQueued', async () => {
    const queue = new BoundedWorkQueue({ maxConcurrent: 1, maxQueued: 2 });
    const started: string[] = [];
    const tasks = ['a', 'b', 'c'].map((name) => manual(name));
    const results = tasks.map((t, i) =>
      queue.submit(() => {
        started.push(['a', 'b', 'c'][i] ?? '?');
        return t.task();
      }),
    );
    expect(queue.submit(() => Promise.resolve('d'))).toBeUndefined();
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
    const queue = new BoundedWorkQueue({ maxConcurrent: 1, maxQueued: 0 });
    await expect(
      queue.submit(() => {
        throw new Error('synchronous failure');
      }),
    ).rejects.toThrow('synchronous failure');
    await expect(queue.submit(() => Promise.reject(new Error('async failure')))).rejects.toThrow('async failure');
    expect(await queue.submit(() => Promise.resolve(7))).toBe(7);
  });

  it('estimates the wait from the measured durations', async () => {
    let now = 0;
    const queue = new BoundedWorkQueue({ maxConcurrent: 2, maxQueued: 10, initialTaskMs: 100, now: () => now });
    expect(queue.estimatedWaitMs()).toBe(100);
    const slow = manual(undefined);
    const pending = queue.submit(slow.task);
    now = 1100;
    slow.finish();
    await pending;
    // Moving average: 0.8 × 100 + 0.2 × 1100 = 300 ms per task.
    expect(queue.estimatedWaitMs()).toBeCloseTo(300);
    const held = [manual(1), manual(2), manual(3)];
    const running = held.map((t) => queue.submit(t.task));
    // Three ahead plus this one on two slots: two rounds.
    expect(queue.estimatedWaitMs()).toBeCloseTo(600);
    held.forEach((t) => t.finish());
    await Promise.all(running);
  });

  it('refuses nonsensical bounds at construction', () => {
    expect(() => new BoundedWorkQueue({ maxConcurrent: 0, maxQueued: 1 })).toThrow(RangeError);
    expect(() => new BoundedWorkQueue({ maxConcurrent: 1.5, maxQueued: 1 })).toThrow(RangeError);
    expect(() => new BoundedWorkQueue({ maxConcurrent: 1, maxQueued: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => new BoundedWorkQueue({ maxConcurrent: 1, maxQueued: 1, initialTaskMs: 0 })).toThrow(RangeError);
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
