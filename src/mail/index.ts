/**
 * The mail capability's public face (issue 17): the {@link Mail} facade other capabilities queue
 * messages through (`earlier.need('mail', by)`), templates rendered with escaping, the sealed
 * outbox with retries and its delivery worker, the SMTP `Mailer` adapter. Later capabilities use
 * only what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { MAIL_PROCESSING, MAIL_RETENTION } from './domain/privacy.js';
import { composeMailPart } from './compose.js';
import { MAIL_VARIABLES } from './config.js';
import type { Mail } from './domain/mail.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { MAIL_VARIABLES } from './config.js';
// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { MAIL_AUDIT_ACTIONS } from './domain/audit-actions.js';

export type { Mail, MailMessage, MailTemplate } from './domain/mail.js';
export { escapeHtml, isMailAddress, MailTemplateError, renderMail, type RenderedMail } from './domain/render.js';
export type { Mailer, MailerResult } from './ports/mailer.js';
export { SmtpMailer } from './adapters/smtp-mailer.js';

declare module '../kernel/part.js' {
  interface Facades {
    mail: Mail;
  }
}

export const mail: Capability<'mail'> = {
  name: 'mail',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  retention: MAIL_RETENTION,
  privacy: MAIL_PROCESSING,
  // An org's unsent mail (its invitations) goes with it.
  tenantTables: ['mail_outbox'],
  variables: MAIL_VARIABLES,
  doctor: async (config) => (await import('./doctor.js')).mailDoctorChecks(config),
  compose: (kernel, earlier) => composeMailPart(kernel, earlier),
};
