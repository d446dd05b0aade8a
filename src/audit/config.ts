/**
 * The audit capability's `RAMPART_AUDIT_*` variables: checkpoints and their witnesses, retention,
 * the SIEM sink and the alert rules. Listed on the `audit` capability (`audit/index.ts`); their
 * keys join the kernel's `RampartConfig` here (declaration merging).
 */
import { absoluteUrl, filePath, integer, optional, type ConfigVariable } from '../kernel/config.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Seconds between scheduled audit checkpoints. */
    readonly auditCheckpointInterval: number;
    /** A file each new audit checkpoint is appended to (JSON lines), or undefined. */
    readonly auditWitnessFile: string | undefined;
    /** A witness URL each new audit checkpoint is POSTed to and the latest is compared with at startup, or undefined. */
    readonly auditWitnessUrl: string | undefined;
    /** Days after which audit entries' payloads are dropped (leaf hashes kept), or undefined: kept forever. */
    readonly auditRetentionDays: number | undefined;
    /** A JSON-lines file every integrated audit entry is appended to (the SIEM sink), or undefined. */
    readonly auditSinkFile: string | undefined;
    /** Failed logins on one account within 15 minutes that raise a `security.alert`. */
    readonly auditAlertLoginFailures: number;
  }
}

/** The audit variables, in README order. Each entry is the one place its variable is documented. */
export const AUDIT_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'auditCheckpointInterval',
    env: 'RAMPART_AUDIT_CHECKPOINT_INTERVAL',
    defaultText: '60',
    description: 'Seconds between signed audit-log checkpoints (one is also issued on demand); none is signed while the log has not grown.',
    parse: integer(1, 86_400, 60),
  },
  {
    key: 'auditWitnessFile',
    env: 'RAMPART_AUDIT_WITNESS_FILE',
    defaultText: 'unset',
    description:
      'A file, best on other storage than the database, that every new audit checkpoint is appended to (JSON lines) so that a rollback of the whole database is detectable: `rampart audit verify --checkpoint <file>`.',
    parse: filePath,
  },
  {
    key: 'auditWitnessUrl',
    env: 'RAMPART_AUDIT_WITNESS_URL',
    defaultText: 'unset',
    description:
      "A witness URL (https, or http on loopback only): every new audit checkpoint is POSTed to it (text/plain signed note), and at startup the witness's latest (GET) is compared with the database's — a database rolled back behind the witness fails `/readyz` (`audit_witness`) and logs an error.",
    parse: optional((value) => {
      const url = absoluteUrl(value, 'must be an absolute URL');
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error('must be https (http only on loopback)');
      if (url.username !== '' || url.password !== '') throw new Error('must not hold credentials');
      return url.toString();
    }),
  },
  {
    key: 'auditRetentionDays',
    env: 'RAMPART_AUDIT_RETENTION_DAYS',
    defaultText: 'unset',
    description:
      "Days after which audit entries' payloads are dropped (hourly, and by `rampart audit prune`); their leaf hashes stay, so proofs and `rampart audit verify` still pass. Unset: kept forever.",
    parse: optional((text) => {
      const value = Number(text);
      if (!Number.isSafeInteger(value) || value < 1 || value > 36_500) throw new Error('must be an integer from 1 to 36500');
      return value;
    }),
  },
  {
    key: 'auditSinkFile',
    env: 'RAMPART_AUDIT_SINK_FILE',
    defaultText: 'unset',
    description:
      'A file (0600) every integrated audit entry is appended to as a JSON line, for a SIEM shipper; it never blocks the log: a bounded buffer, overflow dropped and counted in `rampart_audit_sink_dropped_total`.',
    parse: filePath,
  },
  {
    key: 'auditAlertLoginFailures',
    env: 'RAMPART_AUDIT_ALERT_LOGIN_FAILURES',
    defaultText: '5',
    description: 'Failed logins on one account within 15 minutes that raise a `security.alert` audit entry (4× that from one address).',
    parse: integer(2, 10_000, 5),
  },
];
