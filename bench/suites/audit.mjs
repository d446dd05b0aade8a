/**
 * The audit log: durable events/s with group commit vs one transaction per event (SQLite), on
 * PostgreSQL, append → covering checkpoint under load on both, proof latency at 1M and 10M entries
 * (1M only with BENCH_AUDIT_QUICK=1), checkpoint signing rate. In-process; it measures and prints
 * itself (bench/audit.mjs).
 */
import { describeAudit, runAuditBench } from '../audit.mjs';

export default {
  name: 'audit',
  title: 'Audit log: group commit vs per-event transactions, PostgreSQL, checkpoint latency, proofs at 1M and 10M, checkpoint signing',
  async run(_settings, _generator, log) {
    const result = await runAuditBench(log);
    return { name: 'audit', title: this.title, ...result };
  },
  describe: describeAudit,
};
