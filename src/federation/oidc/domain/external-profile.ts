/**
 * The person a provider's answer names, read out of its claims or profile — and the one rule of
 * what counts as a verified email. Pure: no I/O.
 *
 * An email is verified only when the provider says so in its own words: an OIDC
 * `email_verified: true` (a boolean; the string "true" some providers send is accepted too), a
 * configured profile field that is `true`, or the primary entry of GitHub's `/user/emails`
 * (`verified: true`) or Bitbucket's `/2.0/user/emails` (`is_confirmed: true`). Anything else —
 * a missing claim, an email only in the profile — is unverified.
 */

export interface ExternalProfile {
  /** The provider's stable id of the person. */
  readonly subject: string;
  /** Lower-cased; `null` when the provider gave none (or none that is usable). */
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly name: string | null;
}

/** Where a profile's fields are. */
export interface ProfileFields {
  readonly subjectField: string;
  readonly emailField: string;
  readonly nameField: string;
  readonly emailVerifiedField: string | undefined;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function emailOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim().toLowerCase();
  return email.length <= 320 && EMAIL.test(email) ? email : null;
}

function subjectOf(value: unknown): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= 512) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new Error('the provider named no usable subject');
}

function nameOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : null;
}

/** The primary address of an emails listing, when the provider confirmed it. */
function primaryVerified(style: 'github' | 'bitbucket', body: unknown): string | null {
  const items: unknown[] =
    style === 'github' ? (Array.isArray(body) ? body : []) : ((v) => (Array.isArray(v) ? v : []))(record(body).values);
  for (const item of items.map(record)) {
    const primary = style === 'github' ? item.primary : item.is_primary;
    const verified = style === 'github' ? item.verified : item.is_confirmed;
    if (primary === true && verified === true) return emailOf(item.email);
  }
  return null;
}

/** The profile in `source` under `fields`; with `emails`, the verified primary address from that listing wins. */
export function mappedProfile(
  source: unknown,
  fields: ProfileFields,
  emails: { readonly style: 'github' | 'bitbucket'; readonly body: unknown } | undefined,
): ExternalProfile {
  const data = record(source);
  const subject = subjectOf(data[fields.subjectField]);
  const name = nameOf(data[fields.nameField]);
  if (emails !== undefined) {
    const verified = primaryVerified(emails.style, emails.body);
    if (verified !== null) return Object.freeze({ subject, email: verified, emailVerified: true, name });
  }
  const email = emailOf(data[fields.emailField]);
  const flag = fields.emailVerifiedField === undefined ? undefined : data[fields.emailVerifiedField];
  const emailVerified = email !== null && (flag === true || flag === 'true');
  return Object.freeze({ subject, email, emailVerified, name });
}
