/**
 * Inbound webhook verifications per second against the Standard Webhooks reference
 * implementation's own verify of the same messages, in the same run (bench/webhooks-inbound.mjs).
 */
import { describeInbound, runInboundBench } from '../webhooks-inbound.mjs';

export default {
  name: 'webhooks-inbound',
  title: 'Webhooks: inbound verifications/s vs the standardwebhooks reference verify',
  async run(_settings, _generator, log) {
    const result = await runInboundBench(log);
    return { name: 'webhooks-inbound', title: this.title, ...result };
  },
  describe: describeInbound,
};
