/**
 * Identity's sections of the caller's data export (GDPR Art. 15/20): the account with its MFA
 * state (never a password hash, TOTP secret or recovery-code hash), memberships, every session,
 * set-password tokens and second-factor sign-ins (times only).
 */
import { Type } from '@sinclair/typebox';
import type { PersonalDataSection } from '../../kernel/part.js';
import { UserJson, userJson } from '../accounts/routes/user-json.js';
import { SessionJson, sessionJson } from '../accounts/routes/me-account.js';
import type { UserStore } from '../accounts/ports/user-store.js';
import type { IdentityPersonalData } from '../ports/identity-personal-data.js';
import { DomainError } from '../../kernel/domain/errors.js';

const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);
const Row = <T extends Parameters<typeof Type.Object>[0]>(properties: T) => Type.Object(properties, { additionalProperties: false });
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const Account = Row({
  ...UserJson.properties,
  updated_at: Time,
  password_set: Type.Boolean(),
  password_changed_at: MaybeTime,
  failed_logins: Type.Integer({ description: 'consecutive failed sign-ins' }),
  login_backoff_until: MaybeTime,
  mfa: Row({
    enabled: Type.Boolean(),
    totp_created_at: MaybeTime,
    totp_confirmed_at: MaybeTime,
    recovery_codes: Row({ total: Type.Integer(), unused: Type.Integer() }),
  }),
});

const Memberships = Type.Array(Row({ org_id: Type.String(), org_slug: Type.String(), role: Type.String() }));

const Sessions = Type.Array(
  Row({ ...SessionJson.properties, expires_at: Time, revoked_at: MaybeTime, revoke_reason: Type.Union([Type.String(), Type.Null()]) }),
  { description: 'every session, revoked and expired ones included' },
);

const SetPasswordTokens = Type.Array(Row({ created_at: Time, expires_at: Time, used_at: MaybeTime }));

const MfaChallenges = Type.Array(
  Row({
    device_name: Type.Union([Type.String(), Type.Null()]),
    attempts: Type.Integer(),
    created_at: Time,
    expires_at: Time,
    consumed_at: MaybeTime,
  }),
  { description: 'sign-ins that waited for a second factor' },
);

export function identityPersonalData(
  users: Pick<UserStore, 'findById' | 'memberships'>,
  reader: IdentityPersonalData,
): readonly PersonalDataSection[] {
  return [
    {
      key: 'account',
      schema: Account,
      async read(userId) {
        const [user, mfa] = await Promise.all([users.findById(userId), reader.mfa(userId)]);
        if (user === undefined) throw new DomainError('session_revoked', 'The account is no longer active');
        return {
          ...userJson(user),
          updated_at: new Date(user.updatedAt).toISOString(),
          password_set: user.passwordHash !== null,
          password_changed_at: iso(user.passwordChangedAt),
          failed_logins: user.failedLogins,
          login_backoff_until: iso(user.nextLoginAt),
          mfa: {
            enabled: (mfa.totp?.confirmedAt ?? null) !== null,
            totp_created_at: iso(mfa.totp?.createdAt ?? null),
            totp_confirmed_at: iso(mfa.totp?.confirmedAt ?? null),
            recovery_codes: mfa.recoveryCodes,
          },
        };
      },
    },
    {
      key: 'memberships',
      schema: Memberships,
      async read(userId) {
        return (await users.memberships(userId)).map((m) => ({ org_id: m.orgId, org_slug: m.orgSlug, role: m.role }));
      },
    },
    {
      key: 'sessions',
      schema: Sessions,
      async read(userId, caller) {
        return (await reader.sessions(userId)).map((s) => ({
          ...sessionJson(s, caller.sessionId),
          expires_at: new Date(s.expiresAt).toISOString(),
          revoked_at: iso(s.revokedAt),
          revoke_reason: s.revokeReason,
        }));
      },
    },
    {
      key: 'set_password_tokens',
      schema: SetPasswordTokens,
      async read(userId) {
        return (await reader.passwordTokens(userId)).map((t) => ({
          created_at: new Date(t.createdAt).toISOString(),
          expires_at: new Date(t.expiresAt).toISOString(),
          used_at: iso(t.usedAt),
        }));
      },
    },
    {
      key: 'mfa_challenges',
      schema: MfaChallenges,
      async read(userId) {
        return (await reader.mfaChallenges(userId)).map((c) => ({
          device_name: c.deviceName,
          attempts: c.attempts,
          created_at: new Date(c.createdAt).toISOString(),
          expires_at: new Date(c.expiresAt).toISOString(),
          consumed_at: iso(c.consumedAt),
        }));
      },
    },
  ];
}
