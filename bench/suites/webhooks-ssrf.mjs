/**
 * The SSRF guard's cost per delivery, with the resolver's answer cached, against `new URL()` of
 * the same URL in the same run. In-process; it measures and prints itself (bench/webhooks-ssrf.mjs).
 */
import { describeSsrf, runSsrfBench } from '../webhooks-ssrf.mjs';

export default {
  name: 'webhooks-ssrf',
  title: 'Webhooks: the SSRF check per delivery (cached resolver) vs URL parsing',
  async run(_settings, _generator, log) {
    const result = await runSsrfBench(log);
    return { name: 'webhooks-ssrf', title: this.title, ...result };
  },
  describe: describeSsrf,
};
