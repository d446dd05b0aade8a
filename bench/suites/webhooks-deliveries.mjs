/**
 * Outbound webhook deliveries per second to a local receiver, signed, against `sendOutbound` alone
 * and the signature alone in the same run. In-process; it measures and prints itself
 * (bench/webhooks-deliveries.mjs).
 */
import { describeDeliveries, runDeliveriesBench } from '../webhooks-deliveries.mjs';

export default {
  name: 'webhooks-deliveries',
  title: 'Webhooks: signed deliveries per second to a local receiver vs sendOutbound alone',
  async run(_settings, _generator, log) {
    const result = await runDeliveriesBench(log);
    return { name: 'webhooks-deliveries', title: this.title, ...result };
  },
  describe: describeDeliveries,
};
