/** The password policy applied to every new password, as a 400 naming the field that failed. */
import { validationFailed } from '../../../kernel/domain/errors.js';
import type { PasswordContext, PasswordPolicy, PasswordRefusal } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';

const REASONS: Readonly<Record<PasswordRefusal, string>> = {
  too_short: 'is shorter than the minimum length',
  too_long: 'is longer than 128 characters',
  common: 'is a common or breached password',
  context: "contains the product name, this deployment's host name or a part of the account's email address",
};

/** Throws `validation_failed` naming `field` when the policy refuses `password`. */
export function requireAcceptablePassword(
  policy: PasswordPolicy,
  password: Secret<string>,
  field: string,
  context?: PasswordContext,
): void {
  const result = policy.check(password, context);
  if (!result.ok) throw validationFailed([{ field, reason: REASONS[result.reason] }]);
}
