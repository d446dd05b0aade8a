/**
 * The mail capability's pure parts and its configuration (issue 17, item 1): template rendering
 * (values escaped in HTML, a missing or unused value refused, no header injection through the
 * subject), the TLS rule of the SMTP transport, the reply codes kept, the variables, and the
 * doctor check against a real SMTP server (test/helpers/smtp.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { failureOf, smtpTransportOptions } from '../../src/mail/adapters/smtp-mailer.js';
import { mailDoctorChecks } from '../../src/mail/doctor.js';
import { MailTemplateError, renderMail, type MailTemplate } from '../../src/mail/index.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { startSmtp } from '../helpers/smtp.js';

const TEMPLATE: MailTemplate = {
  name: 'test.greeting',
  subject: 'Hello {{name}}',
  text: 'Hello {{name}}, open {{link}}',
  html: '<p>Hello {{name}}, <a href="{{link}}">open</a></p>',
};

const config = (env: Record<string, string>) => loadConfig({ env: { RAMPART_PUBLIC_URL: 'https://rampart.example.test', ...env } });

describe('mail templates', () => {
  it('federation 1: values fill every part, escaped in the HTML only', () => {
    const mail = renderMail(TEMPLATE, 'ada@example.test', { name: '<b>Ada</b> & "co"', link: 'https://x.test/?a=1&b=2' });
    expect(mail.subject).toBe('Hello <b>Ada</b> & "co"');
    expect(mail.text).toBe('Hello <b>Ada</b> & "co", open https://x.test/?a=1&b=2');
    expect(mail.html).toBe('<p>Hello &lt;b&gt;Ada&lt;/b&gt; &amp; &quot;co&quot;, <a href="https://x.test/?a=1&amp;b=2">open</a></p>');
  });

  it('federation 1: a missing value, an unused value, a line break in the subject or a bad recipient is refused', () => {
    expect(() => renderMail(TEMPLATE, 'ada@example.test', { name: 'Ada' })).toThrow(MailTemplateError);
    expect(() => renderMail(TEMPLATE, 'ada@example.test', { name: 'Ada', link: 'x', extra: 'y' })).toThrow(/not in the template/);
    expect(() => renderMail(TEMPLATE, 'ada@example.test', { name: 'Ada\r\nBcc: eve@example.test', link: 'x' })).toThrow(
      /control character/,
    );
    for (const to of ['not-an-address', 'a@b.test, eve@example.test', 'Ada <ada@example.test>', 'a@b.test\r\nBcc: e@x.test']) {
      expect(() => renderMail(TEMPLATE, to, { name: 'Ada', link: 'x' }), to).toThrow(/recipient/);
    }
  });
});

describe('the SMTP transport', () => {
  it('federation 1: STARTTLS is required off loopback unless plain text is allowed; smtps is implicit TLS', () => {
    const of = (url: string, allowPlaintext = false) => smtpTransportOptions({ url: new Secret(url), allowPlaintext });
    expect(of('smtp://mail.example.test')).toMatchObject({ host: 'mail.example.test', port: 587, secure: false, requireTLS: true });
    expect(of('smtp://mail.example.test', true)).toMatchObject({ requireTLS: false });
    expect(of('smtp://127.0.0.1:2525')).toMatchObject({ port: 2525, requireTLS: false });
    expect(of('smtps://u%40x:p%3Ass@mail.example.test')).toMatchObject({ port: 465, secure: true, auth: { user: 'u@x', pass: 'p:ss' } });
    expect(of('smtps://mail.example.test').tls).toMatchObject({ minVersion: 'TLSv1.2', rejectUnauthorized: true });
  });

  it('federation 1: a failure keeps a code, never the server text; 550-553 are permanent', () => {
    expect(failureOf({ responseCode: 550, response: '550 no such user ada@example.test' })).toEqual({
      ok: false,
      code: 'smtp_550',
      permanent: true,
    });
    expect(failureOf({ responseCode: 451 })).toEqual({ ok: false, code: 'smtp_451', permanent: false });
    expect(failureOf({ code: 'ECONNECTION' })).toEqual({ ok: false, code: 'connection', permanent: false });
    expect(failureOf({ code: 'EAUTH' })).toEqual({ ok: false, code: 'auth', permanent: false });
  });

  it('federation 1: the variables: a wrong scheme is refused without echoing credentials; the sender defaults to the public host', () => {
    expect(() => config({ RAMPART_SMTP_URL: 'http://user:hunter2@mail.example.test' })).toThrow(/RAMPART_SMTP_URL/);
    try {
      config({ RAMPART_SMTP_URL: 'http://user:hunter2@mail.example.test' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
    expect(config({}).mailFrom).toBe('Rampart <no-reply@rampart.example.test>');
    expect(config({}).smtpUrl).toBeUndefined();
    expect(() => config({ RAMPART_MAIL_FROM: 'a@b.test\r\nBcc: e@x.test' })).toThrow(/RAMPART_MAIL_FROM/);
  });
});

describe('rampart doctor: mail', () => {
  it('federation 1: warns when no server is configured, passes against a real one, fails when it does not answer', async () => {
    expect(await mailDoctorChecks(config({}))).toEqual([expect.objectContaining({ name: 'mail transport', status: 'warn' })]);
    const smtp = await startSmtp({ auth: { user: 'rampart', pass: 'smtp pass 1' } });
    try {
      const checks = await mailDoctorChecks(config(smtp.config()));
      expect(checks.find((c) => c.name === 'mail server')).toMatchObject({ status: 'pass' });
      expect(checks.find((c) => c.name === 'mail TLS')).toMatchObject({ status: 'pass' });
      await smtp.stop();
      const down = await mailDoctorChecks(config(smtp.config()));
      expect(down.find((c) => c.name === 'mail server')).toMatchObject({ status: 'fail', reason: expect.stringContaining('connection') });
      expect(JSON.stringify(down)).not.toContain('smtp pass 1');
    } finally {
      await smtp.close();
    }
  });
});
