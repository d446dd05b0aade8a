/**
 * The {@link Mail} facade: renders a message (refusing, before anything is stored, a template and
 * values that do not fit), seals it, stores it in the outbox, and wakes the delivery worker so it
 * is sent at once when it can be. Resolves only once the row is durable.
 */
import { randomKey } from '../../kernel/crypto/random.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { sealMail } from '../crypto/sealed-mail.js';
import type { Mail, MailMessage } from '../domain/mail.js';
import { renderMail } from '../domain/render.js';
import type { MailOutbox } from '../ports/mail-outbox.js';
import type { MailDeliveryWorker } from './delivery-worker.js';

export interface MailServiceOptions {
  readonly outbox: MailOutbox;
  readonly worker: MailDeliveryWorker;
  readonly sealKey: Secret<Buffer>;
  readonly clock: Clock;
  readonly configured: boolean;
}

export class MailService implements Mail {
  readonly #o: MailServiceOptions;
  readonly configured: boolean;

  constructor(options: MailServiceOptions) {
    this.#o = options;
    this.configured = options.configured;
  }

  async queue(message: MailMessage): Promise<string> {
    const rendered = renderMail(message.template, message.to.trim(), message.values);
    const id = `mail_${randomKey(16).toString('hex')}`;
    const orgId = message.orgId ?? null;
    const sealed = sealMail(this.#o.sealKey, { id, template: message.template.name, orgId }, rendered);
    await this.#o.outbox.insert({ id, orgId, template: message.template.name, sealed, now: this.#o.clock.now() });
    this.#o.worker.kick();
    return id;
  }

  deliver(): Promise<number> {
    return this.#o.worker.pass();
  }
}
