/**
 * Job sandbox: start overhead of `/bin/true` through the bubblewrap sandbox against a plain spawn
 * and a bare bwrap in the same run, and the seccomp filter's cost on a syscall-heavy job. In
 * process; it measures and prints itself (bench/jobs-sandbox.mjs).
 */
import { describeJobsSandbox, runJobsSandboxBench } from '../jobs-sandbox.mjs';

export default {
  name: 'jobs-sandbox',
  title: 'Jobs sandbox: /bin/true start overhead vs plain spawn, seccomp filter cost',
  async run(_settings, _generator, log) {
    const result = await runJobsSandboxBench(log);
    return { name: 'jobs-sandbox', title: this.title, ...result };
  },
  describe: describeJobsSandbox,
};
