/** The JSON form of a user in answers (spec conventions: snake_case, RFC 3339 times). Never the hash. */
import { Type, type Static } from '@sinclair/typebox';
import type { User } from '../domain/user.js';

export const UserJson = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    created_at: Type.String({ format: 'date-time' }),
    email_verified: Type.Boolean({ description: 'Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify).' }),
    email_verified_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When `email` was verified; null when it is not.',
    }),
  },
  { additionalProperties: false },
);

export function userJson(user: Pick<User, 'id' | 'email' | 'name' | 'status' | 'createdAt' | 'emailVerifiedAt'>): Static<typeof UserJson> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    status: user.status,
    created_at: new Date(user.createdAt).toISOString(),
    email_verified: user.emailVerifiedAt !== null,
    email_verified_at: user.emailVerifiedAt === null ? null : new Date(user.emailVerifiedAt).toISOString(),
  };
}
