/**
 * The revocation bus's liveness rule on a fake monotonic clock: live only while subscribed and
 * its own heartbeat is at most `staleAfterMs` old; each change reported once, the return with
 * how long it was away.
 */
import { describe, expect, it } from 'vitest';
import { BusLiveness } from '../../../src/kernel/adapters/redis/bus-liveness.js';

describe('BusLiveness', () => {
  it('faults 1: a subscription whose heartbeat is not heard for more than the bound stops being live, once', () => {
    const liveness = new BusLiveness(2000, 0);
    expect(liveness.evaluate(0)).toBeUndefined(); // not subscribed yet: not live, nothing to report
    liveness.subscribed(100);
    expect(liveness.evaluate(100)).toEqual({ live: true });
    liveness.heard(1100);
    expect(liveness.evaluate(3100)).toBeUndefined(); // exactly the bound: still live
    expect(liveness.evaluate(3101)).toEqual({ live: false, reason: 'heartbeat_missed' });
    expect(liveness.evaluate(5000)).toBeUndefined();
    expect(liveness.live).toBe(false);
    liveness.heard(6000);
    expect(liveness.evaluate(6000)).toEqual({ live: true, downForMs: 6000 - 3101 });
  });

  it('faults 6: a visible drop is not live at once, without waiting for the bound', () => {
    const liveness = new BusLiveness(2000, 0);
    liveness.subscribed(0);
    liveness.evaluate(0);
    liveness.disconnected();
    expect(liveness.evaluate(10)).toEqual({ live: false, reason: 'disconnected' });
    liveness.heard(20); // a heartbeat without a subscription does not count
    expect(liveness.evaluate(20)).toBeUndefined();
    liveness.subscribed(500);
    expect(liveness.evaluate(500)).toEqual({ live: true, downForMs: 490 });
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BusLiveness(Number.NaN, 0)).toThrow(RangeError);
    expect(() => new BusLiveness(0, 0)).toThrow(RangeError);
  });
});
