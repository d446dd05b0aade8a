/**
 * The activation token (docs/decisions/019-licences.md, "The activation token"): a compact JWS
 * (RFC 7515 §7.1) signed with EdDSA (RFC 8037, Ed25519) by the deployment's `licences` key.
 *
 * Protected header: exactly `{"alg":"EdDSA","kid":<key id>,"typ":"rampart-licence-activation+jwt"}`.
 * Claims (times are NumericDate seconds, RFC 7519 §2):
 * - `iss` the server's public URL; `lic` the licence id; `org` its org; `act` the activation id;
 *   `ins` the installation id; `product`; `features`;
 * - `iat`; `refresh_after`, when the client should check the status; `exp`, when the server
 *   stops taking the token as fresh;
 * - `grace`, the offline grace period in seconds, and `grace_until` (= `exp` + `grace`, never
 *   past the licence's expiry): until then the installation may keep working without a successful
 *   check, and the server still accepts the token for a status check or a deactivation;
 * - `licence_expires_at`, the licence's own expiry (null: none).
 *
 * Reading refuses any other `alg` (`none` included), any other `typ`, a header with other members,
 * a claim of the wrong type, and base64url that is not canonical. Shared by the server and the
 * client module; it verifies nothing by itself.
 */
export const ACTIVATION_TOKEN_TYPE = 'rampart-licence-activation+jwt';

export interface ActivationClaims {
  readonly iss: string;
  readonly lic: string;
  readonly org: string;
  readonly act: string;
  readonly ins: string;
  readonly product: string;
  readonly features: readonly string[];
  readonly iat: number;
  readonly refresh_after: number;
  readonly exp: number;
  readonly grace: number;
  readonly grace_until: number;
  readonly licence_expires_at: number | null;
}

/** A compact JWS split into its parts, its signature not yet checked. */
export interface ActivationTokenParts {
  readonly kid: string;
  /** The ASCII bytes `header.payload` the signature covers (RFC 7515 §5.2). */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
  readonly claims: ActivationClaims;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const MAX_TOKEN = 8192;

function base64url(part: string): Buffer | undefined {
  if (!B64URL.test(part) || part.length % 4 === 1) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  // Canonical only: re-encoding gives the same text (no stray trailing bits).
  return bytes.toString('base64url') === part ? bytes : undefined;
}

function json(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isText = (value: unknown, max = 200): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function claimsOf(payload: Record<string, unknown>): ActivationClaims | undefined {
  const { iss, lic, org, act, ins, product, features, iat, refresh_after, exp, grace, grace_until, licence_expires_at } = payload;
  if (!isText(iss, 2048) || !isText(lic) || !isText(org) || !isText(act) || !isText(ins) || !isText(product)) return undefined;
  if (!Array.isArray(features) || !features.every((feature) => isText(feature))) return undefined;
  if (!isTime(iat) || !isTime(refresh_after) || !isTime(exp) || !isTime(grace) || !isTime(grace_until)) return undefined;
  if (licence_expires_at !== null && !isTime(licence_expires_at)) return undefined;
  return Object.freeze({
    iss,
    lic,
    org,
    act,
    ins,
    product,
    features: Object.freeze([...(features as string[])]),
    iat,
    refresh_after,
    exp,
    grace,
    grace_until,
    licence_expires_at,
  });
}

/** The parts of `token`, or undefined when it is not an activation token of this format. */
export function parseActivationToken(token: string): ActivationTokenParts | undefined {
  if (token.length > MAX_TOKEN) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerText, payloadText, signatureText] = parts as [string, string, string];
  const headerBytes = base64url(headerText);
  const payloadBytes = base64url(payloadText);
  const signature = base64url(signatureText);
  if (headerBytes === undefined || payloadBytes === undefined || signature?.length !== 64) return undefined;
  const header = json(headerBytes);
  // RFC 8725 §3.1: the algorithm is fixed here, never taken from the token (`none` included).
  if (header?.alg !== 'EdDSA' || header.typ !== ACTIVATION_TOKEN_TYPE || !isText(header.kid)) return undefined;
  if (Object.keys(header).length !== 3) return undefined;
  const payload = json(payloadBytes);
  const claims = payload === undefined ? undefined : claimsOf(payload);
  if (claims === undefined) return undefined;
  return { kid: header.kid, signingInput: Buffer.from(`${headerText}.${payloadText}`, 'ascii'), signature, claims };
}

/** The signing input of a token with `kid` and `claims` (the header in the fixed member order). */
export function activationSigningInput(kid: string, claims: ActivationClaims): string {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid, typ: ACTIVATION_TOKEN_TYPE })).toString('base64url');
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
}
