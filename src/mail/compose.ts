/**
 * The mail part of the composition root: the SMTP mailer when `RAMPART_SMTP_URL` is set, the SQL
 * outbox, the sealing key (derived from the master key), the delivery worker — started only when
 * this start runs background work (`options.background !== false`) — and the {@link Mail} facade.
 */
import { deriveKey } from '../kernel/crypto/derive-key.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { SqlMailOutbox } from './adapters/sql-mail-outbox.js';
import { SmtpMailer } from './adapters/smtp-mailer.js';
import type { Mail } from './domain/mail.js';
import { MailDeliveryWorker } from './services/delivery-worker.js';
import { MailService } from './services/mail-service.js';

/** How long a claim holds a message: well past the transport's timeouts (30 s each stage). */
const LEASE_MS = 5 * 60 * 1000;

export async function composeMailPart(kernel: Kernel, earlier: Earlier): Promise<Part<Mail>> {
  const { config } = kernel;
  const { log } = earlier.need('audit', 'mail');
  const mailer =
    config.smtpUrl === undefined
      ? undefined
      : kernel.closers.add('smtp mailer', new SmtpMailer({ url: config.smtpUrl, allowPlaintext: config.smtpAllowPlaintext }));
  const outbox = new SqlMailOutbox(kernel.database.db);
  const sealKey = deriveKey(kernel.masterKey(), 'mail-outbox-seal');
  const worker = kernel.closers.add(
    'mail delivery worker',
    new MailDeliveryWorker({
      outbox,
      mailer,
      sealKey,
      from: config.mailFrom,
      audit: log,
      logger: kernel.logger,
      clock: kernel.clock,
      maxAttempts: config.mailMaxAttempts,
      retryBaseMs: config.mailRetryBaseMs,
      retentionMs: config.mailRetentionDays * 24 * 60 * 60 * 1000,
      leaseMs: LEASE_MS,
      onError: kernel.onError('mail delivery'),
    }),
  );
  if (kernel.options.background !== false) worker.start(config.mailPollMs);
  const facade = new MailService({ outbox, worker, sealKey, clock: kernel.clock, configured: mailer !== undefined });
  return Promise.resolve({ facade });
}
