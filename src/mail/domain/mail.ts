/**
 * The mail capability's contract with the modules that send mail (identity's email flows and
 * security notifications, tenancy's invitations, passkeys' alerts): a message names a template
 * and its values; the capability renders it (plain text, and HTML with every value escaped),
 * stores it in the outbox (its body sealed, for it may hold a one-time link) and delivers it
 * through the configured `Mailer` with retries, so a mail server that is down loses nothing.
 */

/**
 * A mail template: `{{name}}` placeholders in each part are replaced by the message's values
 * (escaped in `html`). Every placeholder must be given a value: a missing one is a programming
 * error, refused when the message is queued.
 */
export interface MailTemplate {
  /** Stable name, e.g. `identity.email_verify`: the outbox row and the log name it. */
  readonly name: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** One message to queue. */
export interface MailMessage {
  /** One recipient address. */
  readonly to: string;
  readonly template: MailTemplate;
  readonly values: Readonly<Record<string, string>>;
  /** The org the message is about, when there is one (org deletion removes its unsent mail). */
  readonly orgId?: string;
}

/** The facade (`earlier.need('mail', by)`): what other capabilities send mail through. */
export interface Mail {
  /**
   * Renders and stores `message` in the outbox; the delivery worker sends it (at once when it
   * can). Resolves with the outbox id once the row is durable.
   */
  queue(message: MailMessage): Promise<string>;
  /** Whether a mail transport is configured (RAMPART_SMTP_URL); without one, queued mail waits. */
  readonly configured: boolean;
  /**
   * Runs one delivery pass now (what the worker does on its timer): for tests and for a start
   * without background work. Resolves with how many messages it handled.
   */
  deliver(): Promise<number>;
}
