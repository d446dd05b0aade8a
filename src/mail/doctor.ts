/**
 * `rampart doctor`'s mail checks: whether a mail server is configured (without one, verification,
 * password-reset and invitation mail waits in the outbox), whether the connection is protected by
 * TLS, and whether the server answers and accepts the credentials. Never prints the URL.
 */
import type { RampartConfig } from '../kernel/config.js';
import type { DoctorCheck } from '../kernel/part.js';
import { isLoopbackHost, SmtpMailer } from './adapters/smtp-mailer.js';

export async function mailDoctorChecks(config: RampartConfig): Promise<readonly DoctorCheck[]> {
  if (config.smtpUrl === undefined) {
    return [
      {
        name: 'mail transport',
        status: 'warn',
        reason: 'RAMPART_SMTP_URL is unset: verification, password reset and invitation mail wait in the outbox',
      },
    ];
  }
  const url = new URL(config.smtpUrl.reveal());
  const checks: DoctorCheck[] = [];
  if (url.protocol === 'smtps:') checks.push({ name: 'mail TLS', status: 'pass', reason: 'implicit TLS (smtps://)' });
  else if (isLoopbackHost(url.hostname)) checks.push({ name: 'mail TLS', status: 'pass', reason: 'the server is on loopback' });
  else if (config.smtpAllowPlaintext)
    checks.push({ name: 'mail TLS', status: 'warn', reason: 'RAMPART_SMTP_ALLOW_PLAINTEXT lets mail travel without TLS' });
  else checks.push({ name: 'mail TLS', status: 'pass', reason: 'STARTTLS required' });
  const mailer = new SmtpMailer({ url: config.smtpUrl, allowPlaintext: config.smtpAllowPlaintext, timeoutMs: 10_000 });
  try {
    const answer = await mailer.verify();
    checks.push(
      answer.ok
        ? { name: 'mail server', status: 'pass', reason: 'the SMTP server answers and accepts the connection' }
        : { name: 'mail server', status: 'fail', reason: `the SMTP server could not be used (${answer.code})` },
    );
  } finally {
    await mailer.close();
  }
  return checks;
}
