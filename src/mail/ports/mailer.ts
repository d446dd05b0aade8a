/**
 * The `Mailer` port: hands one rendered message to a mail transport. The outbox's delivery
 * worker is its only caller; it retries what fails.
 */
import type { RenderedMail } from '../domain/render.js';

/** Why an attempt failed, as the outbox records it (a code, never the server's text or the body). */
export interface MailerFailure {
  /** `smtp_<reply code>` when the server answered, else a connection class (`connection`, `timeout`, `tls`, `auth`). */
  readonly code: string;
  /** The server refused for good (a 5xx reply about the recipient or the message): retrying cannot help. */
  readonly permanent: boolean;
}

export type MailerResult = { readonly ok: true } | ({ readonly ok: false } & MailerFailure);

export interface Mailer {
  /** Sends one message from `from`; resolves with the outcome (it does not throw for a refusal or an outage). */
  send(from: string, message: RenderedMail): Promise<MailerResult>;
  /** Checks that the server answers and accepts the credentials (`rampart doctor`). */
  verify(): Promise<MailerResult>;
  close(): Promise<void>;
}
