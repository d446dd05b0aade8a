/**
 * The mail capability's table as Kysely sees it (migration `0023-mail-outbox`). The message is
 * stored only sealed (AES-256-GCM, bound to the row id), and only until it is sent or given up.
 */

/** One queued message. `status`: `pending` (due at `next_attempt_at`), `sending` (claimed until `claimed_until`), `sent`, `dead`. */
export interface MailOutboxTable {
  id: string;
  /** The org the message is about (an invitation's); null for a user's own mail. */
  org_id: string | null;
  /** The template's name: what the log and the audit entries name. */
  template: string;
  /** The rendered message (recipient, subject, text, HTML), sealed; null once sent or given up. */
  sealed: string | null;
  status: string;
  /** Attempts started so far (a claim counts one). */
  attempts: number;
  next_attempt_at: number;
  /** The claim of the worker sending it; its updates are guarded by it. */
  claim_id: string | null;
  claimed_until: number | null;
  /** The last failure's code (`smtp_451`, `connection`…); never the server's text. */
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    mail_outbox: MailOutboxTable;
  }
}
