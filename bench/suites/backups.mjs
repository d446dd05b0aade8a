/**
 * Backups: encrypted backup and restore throughput (MB/s) against SQLite's own online backup (and
 * pg_dump + pg_restore with BENCH_BACKUPS_PG_URL) of the same data in the same run, and the time of
 * a restore drill (bench/backups.mjs). Goal: encrypted backup ≥ 0.7× the plain tool.
 */
import { describeBackups, runBackupsBench } from '../backups.mjs';

export default {
  name: 'backups',
  title: 'Backups: encrypted backup/restore MB/s vs the plain tool, restore-drill time',
  async run(_settings, _generator, log) {
    const result = await runBackupsBench(log);
    return { name: 'backups', title: this.title, ...result };
  },
  describe: describeBackups,
};
