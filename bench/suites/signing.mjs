/**
 * Signing: DSSE envelope signatures and verifications against raw Ed25519 of the same bytes in the
 * same run, and signatures through the API with the audit entry and the bundle. In-process; it
 * measures and prints itself (bench/signing.mjs).
 */
import { describeSigning, runSigningBench } from '../signing.mjs';

export default {
  name: 'signing',
  title: 'Signing: DSSE envelope vs raw Ed25519 sign/verify, API signs with audit entry and bundle',
  async run(_settings, _generator, log) {
    const result = await runSigningBench(log);
    return { name: 'signing', title: this.title, ...result };
  },
  describe: describeSigning,
};
