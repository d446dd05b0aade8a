/**
 * The {@link Mailer} over SMTP (nodemailer 7). TLS is required: `smtps://` is implicit TLS,
 * `smtp://` must upgrade with STARTTLS — except to a server on loopback, or when the operator
 * allowed plain text (`RAMPART_SMTP_ALLOW_PLAINTEXT`). Certificates are verified, TLS 1.2 at
 * least. The credentials of the URL go to the transport only: nodemailer's logger is off, and a
 * failure is reduced to a code (`smtp_550`, `connection`…), never the server's text, which may
 * echo the recipient or a line of the message.
 */
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { RenderedMail } from '../domain/render.js';
import type { Mailer, MailerResult } from '../ports/mailer.js';

export interface SmtpMailerOptions {
  readonly url: Secret<string>;
  readonly allowPlaintext: boolean;
  /** Connection, greeting and socket timeouts (ms). */
  readonly timeoutMs?: number;
}

/** Whether `hostname` (as `URL.hostname` gives it) is a loopback name or address. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The transport options of an SMTP URL (exported for the doctor check and the tests). */
export function smtpTransportOptions(options: SmtpMailerOptions): SMTPTransport.Options {
  const url = new URL(options.url.reveal());
  const implicit = url.protocol === 'smtps:';
  const loopback = isLoopbackHost(url.hostname);
  const timeout = options.timeoutMs ?? 30_000;
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (implicit ? 465 : 587) : Number(url.port),
    secure: implicit,
    requireTLS: !implicit && !loopback && !options.allowPlaintext,
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true },
    ...(user === '' ? {} : { auth: { user, pass: decodeURIComponent(url.password) } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    logger: false,
    debug: false,
  };
}

/** A nodemailer error as an outbox code: the reply code when the server answered, else the class. */
export function failureOf(error: unknown): Extract<MailerResult, { ok: false }> {
  const fields = typeof error === 'object' && error !== null ? (error as { code?: unknown; responseCode?: unknown }) : {};
  const reply = typeof fields.responseCode === 'number' && Number.isInteger(fields.responseCode) ? fields.responseCode : undefined;
  if (reply !== undefined) {
    // 550-553: mailbox unavailable, not local, storage, name not allowed — about the recipient, for good.
    return { ok: false, code: `smtp_${reply}`, permanent: reply >= 550 && reply <= 553 };
  }
  switch (fields.code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return { ok: false, code: 'auth', permanent: false };
    case 'ETLS':
      return { ok: false, code: 'tls', permanent: false };
    case 'ETIMEDOUT':
      return { ok: false, code: 'timeout', permanent: false };
    case 'EENVELOPE':
      return { ok: false, code: 'envelope', permanent: true };
    default:
      return { ok: false, code: 'connection', permanent: false };
  }
}

export class SmtpMailer implements Mailer {
  readonly #transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(options: SmtpMailerOptions) {
    this.#transport = createTransport(smtpTransportOptions(options));
  }

  async send(from: string, message: RenderedMail): Promise<MailerResult> {
    try {
      await this.#transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        // The recipient is the one address given; never taken from a header of the content.
        envelope: { from: addressOf(from), to: [message.to] },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { ok: true };
    } catch (error) {
      return failureOf(error);
    }
  }

  async verify(): Promise<MailerResult> {
    try {
      await this.#transport.verify();
      return { ok: true };
    } catch (error) {
      return failureOf(error);
    }
  }

  close(): Promise<void> {
    this.#transport.close();
    return Promise.resolve();
  }
}

/** The address of a `Name <address>` sender. */
function addressOf(from: string): string {
  const match = /<([^>]+)>\s*$/.exec(from);
  return match?.[1] ?? from;
}
