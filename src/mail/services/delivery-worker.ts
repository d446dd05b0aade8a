/**
 * The outbox's delivery loop on one instance: at once when a message is queued, and on a timer.
 * Each pass takes the due messages, claims each with a guarded UPDATE (so of all instances exactly
 * one sends it), opens its sealed body, hands it to the {@link Mailer} and records the outcome:
 * sent (the body is removed at once), a retry with exponential backoff, or given up — attempts
 * exhausted, refused for good, or a body that failed its integrity check (never sent) — as an
 * audited change (`mail.undeliverable`). A crash between sending and recording leaves the claim
 * to expire and the message is sent again: at least once, never lost. Sent and given-up rows are
 * purged after the retention. Nothing here logs a recipient, a subject or a body.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import type { Logger } from '../../kernel/adapters/log/pino-logger.js';
import { randomKey } from '../../kernel/crypto/random.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { openMail } from '../crypto/sealed-mail.js';
import type { ClaimedMail, MailOutbox } from '../ports/mail-outbox.js';
import type { Mailer } from '../ports/mailer.js';

export interface MailDeliveryOptions {
  readonly outbox: MailOutbox;
  /** `undefined`: no transport is configured; nothing is sent and the outbox waits. */
  readonly mailer: Mailer | undefined;
  readonly sealKey: Secret<Buffer>;
  readonly from: string;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retentionMs: number;
  /** How long a claim holds a message: longer than an attempt can take. */
  readonly leaseMs: number;
  readonly onError: (error: unknown) => void;
}

/** The longest wait between two attempts. */
const MAX_RETRY_MS = 6 * 60 * 60 * 1000;
/** Messages taken per pass. */
const BATCH = 20;
/** How often a pass also purges old rows. */
const PURGE_EVERY_MS = 60 * 60 * 1000;

/** The wait after the `attempts`-th failed attempt: base, 2×base, 4×base… capped at six hours. */
export function retryDelayMs(baseMs: number, attempts: number): number {
  return Math.min(baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30), MAX_RETRY_MS);
}

export class MailDeliveryWorker {
  readonly #o: MailDeliveryOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #pumping: Promise<number> | undefined;
  #again = false;
  #closed = false;
  #lastPurge = 0;

  constructor(options: MailDeliveryOptions) {
    this.#o = options;
  }

  /** Whether the timer runs (background work on this instance). */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Polls every `intervalMs`; {@link kick} runs a pass at once. */
  start(intervalMs: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.kick(), intervalMs);
    this.#timer.unref();
    this.kick();
  }

  /** Runs a pass soon (after a message is queued), when the worker runs; failures are reported, never thrown. */
  kick(): void {
    if (this.#closed || this.#timer === undefined) return;
    if (this.#pumping !== undefined) {
      this.#again = true;
      return;
    }
    this.pass()
      .then(() => {
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      })
      .catch(this.#o.onError);
  }

  /** One pass over the due messages; resolves with how many it handled (sent, retried or given up). */
  pass(): Promise<number> {
    this.#pumping ??= this.#pass().finally(() => {
      this.#pumping = undefined;
    });
    return this.#pumping;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#pumping?.catch(() => undefined);
  }

  async #pass(): Promise<number> {
    const { outbox, clock, mailer } = this.#o;
    await this.#purge();
    if (mailer === undefined || this.#closed) return 0;
    let handled = 0;
    for (const id of await outbox.due(clock.now(), BATCH)) {
      if (this.#closed) break;
      const claim = await outbox.claim(id, `mcl_${randomKey(12).toString('hex')}`, clock.now(), this.#o.leaseMs);
      if (claim === undefined) continue; // another worker has it
      await this.#deliver(claim, mailer);
      handled += 1;
    }
    return handled;
  }

  async #deliver(claim: ClaimedMail, mailer: Mailer): Promise<void> {
    const { outbox, clock, logger } = this.#o;
    const message = openMail(this.#o.sealKey, claim, claim.sealed);
    if (message === undefined) {
      logger.error(
        { alert: { kind: 'mail_integrity_failed', outbox_id: claim.id, template: claim.template } },
        'security alert: a queued message failed its integrity check and was not sent',
      );
      await this.#giveUp(claim, 'seal_invalid');
      return;
    }
    const result = await mailer.send(this.#o.from, message);
    if (result.ok) {
      await outbox.sent(claim, clock.now());
      logger.info({ outbox_id: claim.id, template: claim.template, attempts: claim.attempts }, 'mail sent');
      return;
    }
    if (result.permanent || claim.attempts >= this.#o.maxAttempts) {
      await this.#giveUp(claim, result.permanent ? result.code : `attempts_exhausted:${result.code}`);
      return;
    }
    const next = clock.now() + retryDelayMs(this.#o.retryBaseMs, claim.attempts);
    await outbox.retry(claim, result.code, next, clock.now());
    logger.warn(
      { outbox_id: claim.id, template: claim.template, attempts: claim.attempts, error: result.code },
      'mail not sent; it will be retried',
    );
  }

  async #giveUp(claim: ClaimedMail, reason: string): Promise<void> {
    await auditedChange(
      this.#o.audit,
      {
        org: claim.orgId ?? SYSTEM_ORG_SLUG,
        actor: { type: 'system', id: null },
        action: 'mail.undeliverable',
        resource: `mail/${claim.id}`,
        result: 'failure',
        reason,
        sourceIp: null,
        requestId: null,
        details: { template: claim.template, attempts: claim.attempts },
      },
      () => this.#o.outbox.dead(claim, reason.slice(0, 64), this.#o.clock.now()),
    );
    this.#o.logger.warn({ outbox_id: claim.id, template: claim.template, attempts: claim.attempts, error: reason }, 'mail given up');
  }

  async #purge(): Promise<void> {
    const now = this.#o.clock.now();
    if (now - this.#lastPurge < PURGE_EVERY_MS) return;
    this.#lastPurge = now;
    const purged = await this.#o.outbox.purge(now - this.#o.retentionMs);
    if (purged > 0) this.#o.logger.info({ purged }, 'mail outbox purged');
  }
}
