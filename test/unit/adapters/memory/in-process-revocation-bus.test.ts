import { describe, expect, it } from 'vitest';
import { InProcessRevocationBus } from '../../../../src/kernel/adapters/memory/in-process-revocation-bus.js';
import { RevocationSet } from '../../../../src/identity/sessions/domain/revocation-set.js';
import type { RevocationEvent, RevocationListener } from '../../../../src/kernel/ports/revocation-bus.js';

const T0 = Date.UTC(2026, 0, 1);

function recorder(): RevocationListener & { events: RevocationEvent[] } {
  const events: RevocationEvent[] = [];
  return { events, onRevoked: (event) => events.push(event), onResync: () => undefined };
}

describe('InProcessRevocationBus', () => {
  it('keeps a revocation set current: revoked once publish resolves', async () => {
    const bus = new InProcessRevocationBus();
    const revoked = new RevocationSet();
    await bus.subscribe({
      onRevoked: (event) => {
        if (event.kind === 'session') revoked.revoke(event.id, event.revokedAt);
      },
      onResync: () => undefined,
    });
    await bus.publish({ kind: 'session', id: 'ses_1', revokedAt: T0 });
    expect(revoked.isRevoked('ses_1')).toBe(true);
  });

  it('delivers to every listener, the same listener subscribed twice included', async () => {
    const bus = new InProcessRevocationBus();
    const a = recorder();
    const b = recorder();
    await bus.subscribe(a);
    await bus.subscribe(b);
    await bus.subscribe(b);
    await bus.publish({ kind: 'api_key', id: 'key_1', revokedAt: T0 });
    expect(a.events).toEqual([{ kind: 'api_key', id: 'key_1', revokedAt: T0 }]);
    expect(b.events).toHaveLength(2);
  });

  it('stops delivering after unsubscribe, and after close refuses to publish or subscribe', async () => {
    const bus = new InProcessRevocationBus();
    const a = recorder();
    const subscription = await bus.subscribe(a);
    await subscription.unsubscribe();
    await subscription.unsubscribe();
    await bus.publish({ kind: 'session', id: 'ses_1', revokedAt: T0 });
    expect(a.events).toEqual([]);
    await bus.close();
    await expect(bus.publish({ kind: 'session', id: 'ses_1', revokedAt: T0 })).rejects.toThrow(/closed/);
    await expect(bus.subscribe(a)).rejects.toThrow(/closed/);
  });

  it('delivers to the others when one listener throws, and reports the failure', async () => {
    const bus = new InProcessRevocationBus();
    const after = recorder();
    await bus.subscribe({
      onRevoked: () => {
        throw new Error('listener bug');
      },
      onResync: () => undefined,
    });
    await bus.subscribe(after);
    await expect(bus.publish({ kind: 'client', id: 'cli_1', revokedAt: T0 })).rejects.toThrow(AggregateError);
    expect(after.events).toHaveLength(1);
  });

  it('refuses a malformed event', async () => {
    const bus = new InProcessRevocationBus();
    const bad = [
      { kind: 'device', id: 'usr_1', revokedAt: T0 },
      { kind: 'session', id: '', revokedAt: T0 },
      { kind: 'session', id: 'ses_1', revokedAt: Number.NaN },
    ] as unknown as RevocationEvent[];
    for (const event of bad) await expect(bus.publish(event)).rejects.toThrow(TypeError);
  });
});
