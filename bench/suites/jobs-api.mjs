/**
 * Jobs through the API: `/bin/true` jobs per second end to end (create → ended), against the
 * sandbox alone and a plain spawn in the same run (bench/jobs-api.mjs). Goal ≥ 50 jobs/s on one core.
 */
import { describeJobsApi, runJobsApiBench } from '../jobs-api.mjs';

export default {
  name: 'jobs-api',
  title: 'Jobs: /bin/true jobs per second through the API, against the sandbox alone and a plain spawn',
  async run(_settings, _generator, log) {
    const result = await runJobsApiBench(log);
    return { name: 'jobs-api', title: this.title, ...result };
  },
  describe: describeJobsApi,
};
