/**
 * A second Rampart process for test/integration/webhooks-crash.test.ts, on the same database as
 * the test's server (its RAMPART_* variables come from the environment), killed with SIGKILL by the
 * test at the point it names:
 *
 * - `CRASH_PHASE=after-change`: makes `CRASH_CHANGES` role changes through its own HTTP routes (each
 *   appends its event in its transaction), prints `changed`, and waits to be killed before any
 *   fan-out or delivery;
 * - `CRASH_PHASE=mid-delivery`: fans the outbox out and starts the due deliveries (leased for
 *   `CRASH_LEASE_MS`), prints `sending`, and waits to be killed while the receiver holds them.
 */
import { loadConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createRampart } from '../../src/rampart.js';

const phase = process.env.CRASH_PHASE;
const config = loadConfig({ env: process.env });
const rampart = await createRampart(config, { webhooks: { manual: true, leaseMs: Number(process.env.CRASH_LEASE_MS ?? '60000') } });
const app = await buildServer(rampart);
await app.ready();

if (phase === 'after-change') {
  const count = Number(process.env.CRASH_CHANGES ?? '1');
  for (let i = 0; i < count; i++) {
    const response = await app.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${process.env.CRASH_ORG}/roles/crash-${i}`,
      headers: { authorization: `Bearer ${process.env.CRASH_TOKEN}` },
      payload: { permissions: ['jobs.read'] },
    });
    if (response.statusCode >= 300) throw new Error(`role change answered ${response.statusCode}: ${response.body}`);
  }
  process.stdout.write('changed\n');
} else if (phase === 'mid-delivery') {
  await rampart.facade('webhooks').worker.pump();
  process.stdout.write('sending\n');
} else {
  throw new Error(`unknown CRASH_PHASE ${phase}`);
}
// Wait for the SIGKILL.
setInterval(() => undefined, 60_000);
