/**
 * The audit capability's `RAMPART_AUDIT_*` variables: checkpoints and their witnesses, retention,
 * the SIEM sink and the alert rules. Listed on the `audit` capability (`audit/index.ts`); their
 * keys join the kernel's `RampartConfig` here (declaration merging).
 */
import { absoluteUrl, filePath, integer, optional, type ConfigVariable, type Raw } from '../kernel/config.js';

/** Which requests get an audit entry besides every state change (`RAMPART_AUDIT_READS`). */
export type AuditReads = 'off' | 'sensitive' | 'all';

const AUDIT_READS: readonly AuditReads[] = ['off', 'sensitive', 'all'];

function auditReads(raw: Raw): AuditReads {
  if (raw === undefined || raw.trim() === '') return 'sensitive';
  const value = raw.trim().toLowerCase();
  const found = AUDIT_READS.find((option) => option === value);
  if (found === undefined) throw new Error('must be off, sensitive or all');
  return found;
}

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Seconds: a signed checkpoint covers a committed entry within this long, and at most one is signed per interval. */
    readonly auditCheckpointInterval: number;
    /** Which reads get an audit entry: `off`, `sensitive` (secrets, exports, the audit log itself) or `all` (every authenticated request, `api.read`). */
    readonly auditReads: AuditReads;
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
    defaultText: '1',
    description:
      'Seconds within which a signed audit-log checkpoint covers a newly committed entry (so `GET /api/v1/audit/proof/inclusion` for an entry a client just caused succeeds within it); at most one checkpoint is signed per interval, none while the log has not grown.',
    parse: integer(1, 86_400, 1),
  },
  {
    key: 'auditReads',
    env: 'RAMPART_AUDIT_READS',
    defaultText: 'sensitive',
    description:
      'Which reads are audited besides every state change: `off` (state changes only), `sensitive` (also reads of secrets, exports and the audit log itself) or `all` (every authenticated request, reads included, as an `api.read` entry; group-committed, so it costs little).',
    parse: auditReads,
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
