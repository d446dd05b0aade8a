/**
 * `/readyz`'s `backup` check, present only while `RAMPART_BACKUP_SCHEDULE` is set: it fails once
 * the newest successful backup is older than `RAMPART_BACKUP_MAX_AGE` — so that a schedule that
 * silently stopped working (a full disk, a lost mount, a broken key) takes the instance out of
 * rotation where someone will notice. A deployment that never had a successful backup counts from
 * this server's start. The newest success is read from `backup_runs` (every instance's runs) at
 * most every {@link CACHE_MS}, so `/readyz` stays cheap; a database that does not answer fails it.
 */
import type { Clock } from '../../kernel/ports/clock.js';
import type { ReadinessProbe } from '../../kernel/ports/readiness-probe.js';

const CACHE_MS = 15_000;
const TIMEOUT_MS = 2_000;

export interface BackupProbeOptions {
  readonly clock: Clock;
  readonly maxAgeMs: number;
  /** When the server started (the age of a deployment that never had a backup). */
  readonly startedAt: number;
  /** When the newest successful backup finished, if any. */
  readonly lastSuccess: () => Promise<number | undefined>;
}

export function backupProbe(o: BackupProbeOptions): ReadinessProbe & { forget(): void } {
  let cached: { readonly at: number; readonly value: number | undefined } | undefined;
  const newest = async (): Promise<number | undefined> => {
    const now = o.clock.now();
    if (cached === undefined || now - cached.at >= CACHE_MS) cached = { at: now, value: await o.lastSuccess() };
    return cached.value;
  };
  return {
    name: 'backup',
    async check() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), TIMEOUT_MS);
      });
      const fresh = newest().then(
        (last) => o.clock.now() - (last ?? o.startedAt) <= o.maxAgeMs,
        () => false,
      );
      try {
        return await Promise.race([fresh, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    /** Drops the cached answer (a run just finished here). */
    forget() {
      cached = undefined;
    },
  };
}
