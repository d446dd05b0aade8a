/**
 * A licence (issue 16 item 4): what an org sold or granted — a product, its features, how many
 * installations may activate it at once, and the window it is valid in — and the rules that
 * decide whether it may be used at an instant. Pure: no I/O, no clock, no crypto.
 */
import type { JsonValue } from '../../kernel/crypto/canonical-json.js';

export interface Licence {
  /** `lic_` and 32 hex digits (128 random bits). */
  readonly id: string;
  readonly orgId: string;
  readonly product: string;
  /** Sorted, without duplicates. */
  readonly features: readonly string[];
  /** How many installations may hold a live activation at once. */
  readonly maxActivations: number;
  /** ms since the epoch. */
  readonly notBefore: number;
  /** ms since the epoch; null: no expiry. */
  readonly expiresAt: number | null;
  /** The `licences` signing key that signed the key. */
  readonly keyId: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
  /** Live activations now (when the store counted them). */
  readonly activationsInUse?: number;
}

/** A stored licence with the SHA-256 of its key (never the key). */
export interface StoredLicence extends Licence {
  readonly keyHash: string;
}

/** An installation bound to a licence. */
export interface Activation {
  /** `act_` and 32 hex digits. */
  readonly id: string;
  readonly licenceId: string;
  readonly installationId: string;
  readonly activatedAt: number;
  readonly lastSeen: number;
  readonly deactivatedAt: number | null;
}

/** Why a licence cannot be used at an instant, or `usable`. */
export type LicenceStanding = 'usable' | 'revoked' | 'expired' | 'not_yet_valid';

/** The standing of `licence` at `now` (ms): revocation first, then the validity window. */
export function standingAt(licence: Pick<Licence, 'revokedAt' | 'notBefore' | 'expiresAt'>, now: number): LicenceStanding {
  if (licence.revokedAt !== null) return 'revoked';
  if (licence.expiresAt !== null && now >= licence.expiresAt) return 'expired';
  if (now < licence.notBefore) return 'not_yet_valid';
  return 'usable';
}

/** Features as stored and signed: unique and sorted (code-unit order), so one licence has one payload. */
export function normaliseFeatures(features: readonly string[]): readonly string[] {
  return Object.freeze([...new Set(features)].sort());
}

/**
 * The canonical payload the licence key signs (RFC 8785 JSON of this object; ADR 019): every
 * term of the licence a key holder could want changed. Times are ms since the epoch.
 */
export function licencePayload(
  licence: Pick<Licence, 'id' | 'orgId' | 'product' | 'features' | 'maxActivations' | 'notBefore' | 'expiresAt'>,
): JsonValue {
  return {
    typ: 'rampart-licence-key/v1',
    licence: licence.id,
    org: licence.orgId,
    product: licence.product,
    features: [...licence.features],
    max_activations: licence.maxActivations,
    nbf: licence.notBefore,
    exp: licence.expiresAt,
  };
}
