/**
 * The password policy applied to every new password, as a 400 naming the field that failed and
 * the rule it broke (the minimum length stated), never the password itself.
 */
import { validationFailed } from '../../../kernel/domain/errors.js';
import type { PasswordContext, PasswordPolicy, PasswordRefusal } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';

const REASONS: Readonly<Record<Exclude<PasswordRefusal, 'too_short'>, string>> = {
  too_long: 'is longer than 128 characters',
  common: 'is a common or breached password (NIST SP 800-63B: choose a longer passphrase of unrelated words)',
  repeated: 'repeats one character or a short group of characters (such as aaaa… or abab…)',
  sequential: 'is made of sequential characters (such as abcd… or 1234…)',
  context: "contains the product name, this deployment's host name or a part of the account's email address",
};

/** Why `policy` refused a password, in words a person can act on. */
export function refusalReason(policy: Pick<PasswordPolicy, 'minLength'>, reason: PasswordRefusal): string {
  if (reason === 'too_short') return `is shorter than ${policy.minLength} characters, the minimum length`;
  return REASONS[reason];
}

/** Throws `validation_failed` naming `field` when the policy refuses `password`. */
export function requireAcceptablePassword(
  policy: PasswordPolicy,
  password: Secret<string>,
  field: string,
  context?: PasswordContext,
): void {
  const result = policy.check(password, context);
  if (!result.ok) throw validationFailed([{ field, reason: refusalReason(policy, result.reason) }]);
}
