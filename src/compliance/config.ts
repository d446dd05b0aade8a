/**
 * The compliance capability's variables (issue 22 items 2 and 6): how long each kind of personal
 * data is kept once it has ended, how often the purge runs, and what a request's context collects
 * of the caller's address and user agent. Secure by default: every kind has a finite retention;
 * `off` keeps a kind until it is set again (a deliberate choice, reported by `rampart doctor`).
 * Listed on the `compliance` capability; their keys join the kernel's `RampartConfig` here.
 */
import type { ConfigVariable, Raw, RampartConfig } from '../kernel/config.js';
import type { CollectIp, CollectUserAgent } from '../kernel/http/request-context.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Ms between two scheduled purges, or undefined: the server does not purge (`rampart privacy purge` only). */
    readonly retentionPurgeInterval: number | undefined;
    /** Days each kind of personal data is kept once ended; undefined: kept (`off`). */
    readonly retentionSessionsDays: number | undefined;
    readonly retentionTokensDays: number | undefined;
    readonly retentionSecurityEventsDays: number | undefined;
    readonly retentionDevicesDays: number | undefined;
    readonly retentionIdempotencyDays: number | undefined;
    readonly retentionJobLogsDays: number | undefined;
    readonly retentionWebhooksDays: number | undefined;
    readonly retentionMailDays: number | undefined;
    readonly retentionInvitationsDays: number | undefined;
    /** What request contexts keep of the caller's address. */
    readonly collectIp: CollectIp;
    /** What request contexts keep of the caller's user agent. */
    readonly collectUserAgent: CollectUserAgent;
  }
}

const MINUTE = 60_000;
const UNITS: Readonly<Record<string, number>> = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE };

/** `off`, or `<n>m|h|d` of at least five minutes; unset: `fallback`. */
function interval(fallback: number) {
  return (raw: Raw): number | undefined => {
    const value = raw?.trim() ?? '';
    if (value === '') return fallback;
    if (value === 'off') return undefined;
    const match = /^(\d{1,6})([mhd])$/.exec(value);
    const ms = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
    if (!Number.isFinite(ms) || ms < 5 * MINUTE) throw new Error('must be off or a duration of at least 5m (`30m`, `6h`, `1d`)');
    return ms;
  };
}

/** Days from 1 to 36500, or `off` (kept); unset: `fallback`. */
function days(fallback: number) {
  return (raw: Raw): number | undefined => {
    const value = raw?.trim() ?? '';
    if (value === '') return fallback;
    if (value === 'off') return undefined;
    if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 36_500)
      throw new Error('must be off or whole days from 1 to 36500');
    return Number(value);
  };
}

function oneOf<T extends string>(values: readonly T[], fallback: T) {
  return (raw: Raw): T => {
    const value = raw?.trim() ?? '';
    if (value === '') return fallback;
    const found = values.find((candidate) => candidate === value);
    if (found === undefined) throw new Error(`must be one of ${values.join(', ')}`);
    return found;
  };
}

/** One retention variable: its key, name, default and what it bounds. */
function retention(key: RetentionKey, env: string, fallback: number, what: string): ConfigVariable {
  return {
    key,
    env,
    defaultText: String(fallback),
    description: `Days ${what} are kept before the purge deletes them (1 to 36500), or \`off\`: kept.`,
    parse: days(fallback),
  };
}

type RetentionKey = {
  [K in keyof RampartConfig]: K extends `retention${string}Days` ? K : never;
}[keyof RampartConfig];

/** The retention variables by name: what a retention rule's `variable` resolves to (the purge's and the record's days). */
export const RETENTION_DAYS: Readonly<Record<string, (config: RampartConfig) => number | undefined>> = Object.freeze({
  RAMPART_RETENTION_SESSIONS_DAYS: (config) => config.retentionSessionsDays,
  RAMPART_RETENTION_TOKENS_DAYS: (config) => config.retentionTokensDays,
  RAMPART_RETENTION_SECURITY_EVENTS_DAYS: (config) => config.retentionSecurityEventsDays,
  RAMPART_RETENTION_DEVICES_DAYS: (config) => config.retentionDevicesDays,
  RAMPART_RETENTION_IDEMPOTENCY_DAYS: (config) => config.retentionIdempotencyDays,
  RAMPART_RETENTION_JOB_LOGS_DAYS: (config) => config.retentionJobLogsDays,
  RAMPART_RETENTION_WEBHOOKS_DAYS: (config) => config.retentionWebhooksDays,
  RAMPART_RETENTION_MAIL_DAYS: (config) => config.retentionMailDays,
  RAMPART_RETENTION_INVITATIONS_DAYS: (config) => config.retentionInvitationsDays,
  // The audit capability's own variable: the purge drops entry payloads through its prune.
  RAMPART_AUDIT_RETENTION_DAYS: (config) => config.auditRetentionDays,
});

/** The compliance variables, in README order. Each entry is the one place its variable is documented. */
export const COMPLIANCE_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'retentionPurgeInterval',
    env: 'RAMPART_RETENTION_PURGE_INTERVAL',
    defaultText: '1d',
    description:
      'How often the server deletes the personal data past its retention (`30m`, `6h`, `1d`; at least `5m`), in batches, one audited `privacy.purge` entry per run with the counts per kind; `off`: only `rampart privacy purge`. With several instances on PostgreSQL one runs at a time (an advisory lock).',
    parse: interval(24 * 60 * MINUTE),
  },
  retention(
    'retentionSessionsDays',
    'RAMPART_RETENTION_SESSIONS_DAYS',
    30,
    'ended sessions (revoked or expired, with their IP address, user agent and refresh tokens)',
  ),
  retention(
    'retentionTokensDays',
    'RAMPART_RETENTION_TOKENS_DAYS',
    7,
    'used or expired single-use tokens (password set/reset, email verification, second-factor and passkey challenges) and spent refresh tokens',
  ),
  retention(
    'retentionSecurityEventsDays',
    'RAMPART_RETENTION_SECURITY_EVENTS_DAYS',
    365,
    'security events (with their IP address and user agent) and resolved new-device alerts',
  ),
  retention(
    'retentionDevicesDays',
    'RAMPART_RETENTION_DEVICES_DAYS',
    400,
    'known-device records, counted from when the device was first recognised (past it, its next sign-in raises a new-device alert again),',
  ),
  retention('retentionIdempotencyDays', 'RAMPART_RETENTION_IDEMPOTENCY_DAYS', 1, 'expired idempotency records (stored answers)'),
  retention('retentionJobLogsDays', 'RAMPART_RETENTION_JOB_LOGS_DAYS', 30, "jobs' output logs"),
  retention(
    'retentionWebhooksDays',
    'RAMPART_RETENTION_WEBHOOKS_DAYS',
    30,
    'finished webhook deliveries (with their attempt logs) and processed inbound webhooks',
  ),
  retention('retentionMailDays', 'RAMPART_RETENTION_MAIL_DAYS', 7, 'sent or abandoned mail outbox rows'),
  retention('retentionInvitationsDays', 'RAMPART_RETENTION_INVITATIONS_DAYS', 30, 'expired org invitations (with the invited address)'),
  {
    key: 'collectIp',
    env: 'RAMPART_COLLECT_IP',
    defaultText: 'full',
    description:
      "What Rampart stores of a caller's IP address (sessions, security events, audit entries, devices, the request log): `full`, `truncated` (IPv4 /24, IPv6 /48) or `off` (none). Rate limiting, login throttling and proxy trust still use the real address, in memory only.",
    parse: oneOf<CollectIp>(['full', 'truncated', 'off'], 'full'),
  },
  {
    key: 'collectUserAgent',
    env: 'RAMPART_COLLECT_USER_AGENT',
    defaultText: 'full',
    description: "What Rampart stores of a caller's user agent (sessions, security events, audit entries): `full` or `off` (none).",
    parse: oneOf<CollectUserAgent>(['full', 'off'], 'full'),
  },
];
