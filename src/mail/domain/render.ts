/**
 * Rendering a {@link MailTemplate}: each `{{name}}` placeholder of the subject, the text and the
 * HTML is replaced by the message's value — in the HTML, escaped, so a value can never add markup;
 * in the subject, refused if it holds a line break or another control character, so a value can
 * never add a header. A placeholder without a value, or a value that no placeholder uses, is a
 * programming error: refused when the message is queued, before anything is stored. Pure.
 */
import type { MailTemplate } from './mail.js';

/** A message ready for the transport. */
export interface RenderedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** A template and its values do not fit: a programming error, never the user's input. */
export class MailTemplateError extends Error {
  constructor(template: string, problem: string) {
    super(`mail template ${template}: ${problem}`);
    this.name = 'MailTemplateError';
  }
}

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/gi;
const TEMPLATE_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** One address: local part, `@`, domain; no spaces, angle brackets or control characters. */
const ADDRESS = /^[^\s<>@",;:\\()[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Whether `address` is one plain mailbox address (what `to` must be). */
export function isMailAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address) && !address.includes('..');
}

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

function fill(template: MailTemplate, text: string, values: Readonly<Record<string, string>>, escape: (value: string) => string): string {
  return text.replace(PLACEHOLDER, (_all, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    if (value === undefined) throw new MailTemplateError(template.name, `no value for {{${name}}}`);
    return escape(value);
  });
}

/** Renders `template` for `to` with `values`; throws {@link MailTemplateError} when they do not fit. */
export function renderMail(template: MailTemplate, to: string, values: Readonly<Record<string, string>>): RenderedMail {
  if (!TEMPLATE_NAME.test(template.name) || template.name.length > 100)
    throw new MailTemplateError(template.name, 'the name must be dotted lower-case');
  if (!isMailAddress(to)) throw new MailTemplateError(template.name, 'the recipient is not one mail address');
  const used = new Set([...placeholders(template.subject), ...placeholders(template.text), ...placeholders(template.html)]);
  for (const name of Object.keys(values))
    if (!used.has(name)) throw new MailTemplateError(template.name, `{{${name}}} is not in the template`);
  const subject = fill(template, template.subject, values, (value) => value);
  if (CONTROL.test(subject)) throw new MailTemplateError(template.name, 'the subject may not hold a control character');
  return {
    to,
    subject,
    text: fill(template, template.text, values, (value) => value),
    html: fill(template, template.html, values, escapeHtml),
  };
}
