/**
 * Licences: status checks and activations per second on one core, in process and over HTTP,
 * against raw Ed25519 verify + sign of the same bytes in the same run (bench/licences.mjs).
 * Goal: status checks ≥ 5,000/s.
 */
import { describeLicences, runLicencesBench } from '../licences.mjs';

export default {
  name: 'licences',
  title: 'Licences: status checks and activations per second vs raw Ed25519 verify+sign',
  async run(_settings, _generator, log) {
    const result = await runLicencesBench(log);
    return { name: 'licences', title: this.title, ...result };
  },
  describe: describeLicences,
};
