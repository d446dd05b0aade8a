/** The JSON of a licence in the API's answers (RFC 3339 times). */
import { Type, type Static } from '@sinclair/typebox';
import type { Licence } from '../domain/licence.js';

const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);

export const LicenceJson = Type.Object(
  {
    id: Type.String({ description: '`lic_` and 32 hex digits' }),
    org: Type.String({ description: 'the org id' }),
    product: Type.String(),
    features: Type.Array(Type.String(), { description: 'sorted, without duplicates' }),
    max_activations: Type.Integer({ description: 'how many installations may hold a live activation at once' }),
    activations_in_use: Type.Optional(Type.Integer({ description: 'live activations now (on a read of one licence)' })),
    not_before: Time,
    expires_at: Type.Union([Time, Type.Null()], { description: 'null: no expiry' }),
    key_id: Type.String({ description: 'the `licences` signing key (GET /api/v1/artifacts/keys) that signed the key' }),
    created_by: Type.String(),
    created_at: Time,
    revoked_at: MaybeTime,
    revoked_by: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function licenceJson(licence: Licence): Static<typeof LicenceJson> {
  return {
    id: licence.id,
    org: licence.orgId,
    product: licence.product,
    features: [...licence.features],
    max_activations: licence.maxActivations,
    ...(licence.activationsInUse === undefined ? {} : { activations_in_use: licence.activationsInUse }),
    not_before: new Date(licence.notBefore).toISOString(),
    expires_at: iso(licence.expiresAt),
    key_id: licence.keyId,
    created_by: licence.createdBy,
    created_at: new Date(licence.createdAt).toISOString(),
    revoked_at: iso(licence.revokedAt),
    revoked_by: licence.revokedBy,
  };
}

export const LICENCE_ID = /^lic_[0-9a-f]{32}$/;
export const LicenceId = Type.String({ pattern: '^lic_[0-9a-f]{32}$', description: 'a licence id' });
