/** A linked identity as answers show it: the provider and its subject, never a credential. */
import { Type, type Static } from '@sinclair/typebox';
import type { ExternalIdentity } from '../domain/external-identity.js';

export const IdentityJson = Type.Object(
  {
    id: Type.String({ description: '`ext_…`' }),
    provider: Type.String({ description: '`oidc:<name>`, `ldap:<name>` or `pam`' }),
    subject: Type.String({ description: 'The provider’s stable id of the person' }),
    email: Type.Union([Type.String(), Type.Null()], { description: 'The email the provider gave at the last sign-in' }),
    email_verified: Type.Boolean({ description: 'Whether the provider asserted that email verified' }),
    created_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);

export function identityJson(identity: ExternalIdentity): Static<typeof IdentityJson> {
  return {
    id: identity.id,
    provider: identity.provider,
    subject: identity.subject,
    email: identity.email,
    email_verified: identity.emailVerified,
    created_at: new Date(identity.createdAt).toISOString(),
    last_used_at: identity.lastUsedAt === null ? null : new Date(identity.lastUsedAt).toISOString(),
  };
}
