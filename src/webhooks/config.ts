/**
 * The outbound webhooks' variables (issue 15): the workers, the secret rotation overlap, the retry
 * schedule, when a failing endpoint is disabled, per-endpoint concurrency and rate, and the poll
 * interval. Listed on the `webhooks` capability (`webhooks/index.ts`); their keys join the kernel's
 * `RampartConfig` here (declaration merging). Where requests may go is the kernel's
 * RAMPART_OUTBOUND_* (the SSRF guard's policy).
 */
import { integer, list, type ConfigVariable, type Raw } from '../kernel/config.js';
import { DEFAULT_RETRY_SCHEDULE } from './domain/retry-schedule.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Deliveries this instance sends at once; 0: this instance neither fans out nor delivers. */
    readonly webhookWorkers: number;
    /** Seconds a rotated-out secret keeps signing beside the new one. */
    readonly webhookSecretOverlap: number;
    /** Seconds between attempts, after the first, second … failure; spent: the delivery is given up. */
    readonly webhookRetrySchedule: readonly number[];
    /** Seconds an endpoint may keep failing before it is disabled. */
    readonly webhookDisableAfter: number;
    /** Deliveries to one endpoint in flight at once, per instance. */
    readonly webhookEndpointConcurrency: number;
    /** Deliveries started per second to one endpoint, per instance. */
    readonly webhookEndpointRate: number;
    /** Milliseconds between polls of the outbox and of due deliveries. */
    readonly webhookPollInterval: number;
  }
}

const MAX_DELAY_SECONDS = 7 * 86_400;

function schedule(raw: Raw): readonly number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_RETRY_SCHEDULE;
  const items = list(raw);
  if (items.length > 30 || items.some((item) => !/^\d+$/.test(item) || Number(item) < 1 || Number(item) > MAX_DELAY_SECONDS)) {
    throw new Error(`must be at most 30 comma-separated whole numbers of seconds from 1 to ${MAX_DELAY_SECONDS}`);
  }
  return Object.freeze(items.map(Number));
}

/** The webhooks variables, in README order. Each entry is the one place its variable is documented. */
export const WEBHOOKS_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'webhookWorkers',
    env: 'RAMPART_WEBHOOK_WORKERS',
    defaultText: '8',
    description:
      'Webhook deliveries this instance sends at once (0 to 256). Several instances share the deliveries (PostgreSQL: `FOR UPDATE SKIP LOCKED`); `0` makes an instance neither read the event outbox nor deliver.',
    parse: integer(0, 256, 8),
  },
  {
    key: 'webhookSecretOverlap',
    env: 'RAMPART_WEBHOOK_SECRET_OVERLAP',
    defaultText: '86400',
    description:
      'Seconds (0 to 2592000) during which, after `POST …/webhooks/{id}/rotate-secret`, the previous signing secret keeps signing beside the new one (two signatures in one `webhook-signature` header).',
    parse: integer(0, 2_592_000, 86_400),
  },
  {
    key: 'webhookRetrySchedule',
    env: 'RAMPART_WEBHOOK_RETRY_SCHEDULE',
    defaultText: '5,300,1800,7200,18000,36000,36000',
    description:
      'Seconds before each retry of a failed delivery (each spread by ±20 % jitter): by default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about 27.5 h. When the list is spent the delivery is `failed` (a manager may still retry it).',
    parse: schedule,
  },
  {
    key: 'webhookDisableAfter',
    env: 'RAMPART_WEBHOOK_DISABLE_AFTER',
    defaultText: '432000',
    description:
      'Seconds (1 to 2592000; default 5 days) an endpoint may keep failing — no attempt succeeding — before it is disabled, with a `webhook.endpoint_disabled` audit entry, an error-level log line and event.',
    parse: integer(1, 2_592_000, 432_000),
  },
  {
    key: 'webhookEndpointConcurrency',
    env: 'RAMPART_WEBHOOK_ENDPOINT_CONCURRENCY',
    defaultText: '4',
    description:
      'Deliveries to one endpoint in flight at once on one instance (1 to 256): a slow receiver holds at most this many workers.',
    parse: integer(1, 256, 4),
  },
  {
    key: 'webhookEndpointRate',
    env: 'RAMPART_WEBHOOK_ENDPOINT_RATE',
    defaultText: '100',
    description: 'Deliveries started per second to one endpoint on one instance (1 to 100000).',
    parse: integer(1, 100_000, 100),
  },
  {
    key: 'webhookPollInterval',
    env: 'RAMPART_WEBHOOK_POLL_INTERVAL_MS',
    defaultText: '1000',
    description: 'Milliseconds (10 to 60000) between looks at the event outbox and at due deliveries, when no delivery is in progress.',
    parse: integer(10, 60_000, 1000),
  },
];
