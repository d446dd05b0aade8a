/**
 * Secrets: envelope encryption against raw AES-256-GCM of the same size in the same run, the secret
 * service and the HTTP API, and the rotate-kek rate over 100,000 data keys. In-process; it measures
 * and prints itself (bench/secrets.mjs).
 */
import { describeSecrets, runSecretsBench } from '../secrets.mjs';

export default {
  name: 'secrets',
  title: 'Secrets: envelope vs raw AES-256-GCM, service and API write/reveal, rotate-kek rate',
  async run(_settings, _generator, log) {
    const result = await runSecretsBench(log);
    return { name: 'secrets', title: this.title, ...result };
  },
  describe: describeSecrets,
};
