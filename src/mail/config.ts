/**
 * The mail capability's variables: the SMTP server (`RAMPART_SMTP_URL`, a secret: it may carry
 * credentials), the sender, whether a plain-text connection to a non-loopback server is allowed,
 * and the outbox's retry, poll and retention settings. Listed on the `mail` capability
 * (`mail/index.ts`); their keys join the kernel's `RampartConfig` here (declaration merging).
 */
import { absoluteUrl, boolean, integer, optional, type ConfigVariable } from '../kernel/config.js';
import { Secret } from '../kernel/domain/secret.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** `smtp://` (STARTTLS) or `smtps://` (implicit TLS) URL of the mail server, with optional credentials; unset: no mail is sent (it waits in the outbox). */
    readonly smtpUrl: Secret<string> | undefined;
    /** Allows a plain-text SMTP connection (no TLS) to a server that is not on loopback. */
    readonly smtpAllowPlaintext: boolean;
    /** The `From` of every message. */
    readonly mailFrom: string;
    /** Delivery attempts of one message before it is given up. */
    readonly mailMaxAttempts: number;
    /** The first retry's delay (ms); each later one doubles, up to six hours. */
    readonly mailRetryBaseMs: number;
    /** How often the delivery worker looks for due messages (ms). */
    readonly mailPollMs: number;
    /** Days the metadata of a sent or given-up message is kept before the purge. */
    readonly mailRetentionDays: number;
  }
}

/** A display name and address, e.g. `Rampart <no-reply@example.com>` or `no-reply@example.com`; no line breaks. */
const SENDER = /^(?:[^<>\r\n\0]{0,100}<[^\s<>@]{1,64}@[^\s<>@]{1,255}>|[^\s<>@]{1,64}@[^\s<>@]{1,255})$/;

/** The URL's scheme and host are checked here; the credentials are never echoed in an error. */
function parseSmtpUrl(value: string): Secret<string> {
  const url = absoluteUrl(value, 'must be an smtp:// or smtps:// URL');
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('must be an smtp:// or smtps:// URL');
  if (url.hostname === '') throw new Error('must name a host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')
    throw new Error('must be scheme://[user:password@]host[:port] only');
  return new Secret(value);
}

/** The mail variables, in README order. Each entry is the one place its variable is documented. */
export const MAIL_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'smtpUrl',
    env: 'RAMPART_SMTP_URL',
    defaultText: 'unset',
    description:
      'The mail server: `smtps://[user:password@]host[:465]` (implicit TLS) or `smtp://[user:password@]host[:587]` (STARTTLS, required unless the host is on loopback or `RAMPART_SMTP_ALLOW_PLAINTEXT` is true). Unset: mail (verification, password reset, invitations) waits in the outbox until one is configured.',
    secret: true,
    parse: optional(parseSmtpUrl),
  },
  {
    key: 'smtpAllowPlaintext',
    env: 'RAMPART_SMTP_ALLOW_PLAINTEXT',
    defaultText: 'false',
    description:
      'Allows an `smtp://` connection without STARTTLS to a server that is not on loopback (a relay on a trusted network). Off: such a connection fails unless the server offers STARTTLS.',
    parse: boolean(false),
  },
  {
    key: 'mailFrom',
    env: 'RAMPART_MAIL_FROM',
    defaultText: 'no-reply@ the host of RAMPART_PUBLIC_URL, named Rampart',
    description: 'The `From` of every message Rampart sends: `Name <address>` or a bare address.',
    parse: (raw, partial) => {
      const value = raw?.trim();
      if (value === undefined || value === '') {
        const host = partial.publicUrl === undefined ? 'localhost' : new URL(partial.publicUrl).hostname;
        return `Rampart <no-reply@${host}>`;
      }
      if (!SENDER.test(value)) throw new Error('must be an address or "Name <address>"');
      return value;
    },
  },
  {
    key: 'mailMaxAttempts',
    env: 'RAMPART_MAIL_MAX_ATTEMPTS',
    defaultText: '10',
    description: 'Delivery attempts of one message before it is given up (audited as `mail.undeliverable`).',
    parse: integer(1, 100, 10),
  },
  {
    key: 'mailRetryBaseMs',
    env: 'RAMPART_MAIL_RETRY_BASE_MS',
    defaultText: '30000',
    description: "Delay before a failed message's first retry, in milliseconds; each later retry waits twice as long, up to six hours.",
    parse: integer(100, 3_600_000, 30_000),
  },
  {
    key: 'mailPollMs',
    env: 'RAMPART_MAIL_POLL_MS',
    defaultText: '15000',
    description:
      'How often the delivery worker looks for due messages, in milliseconds (a message is also sent at once when it is queued).',
    parse: integer(100, 3_600_000, 15_000),
  },
  {
    key: 'mailRetentionDays',
    env: 'RAMPART_MAIL_RETENTION_DAYS',
    defaultText: '30',
    description:
      'Days the metadata of a sent or given-up message (template, status, attempts, times; never its body, which goes at once) is kept; a message still unsent after this many days (no mail server configured) is deleted too.',
    parse: integer(1, 3650, 30),
  },
];
