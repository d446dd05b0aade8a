/**
 * A trusted external token issuer, as the operator configures it (`RAMPART_TRUSTED_ISSUERS`), and
 * the rules its configuration must meet before Rampart starts:
 * 1. the JSON is an array of issuer objects with exactly the documented fields (no unknown one);
 * 2. names and `iss` values are unique, and no issuer claims Rampart's own `iss` (RAMPART_PUBLIC_URL);
 * 3. the JWKS URL is https, or http on a loopback host only (a test or a sidecar);
 * 4. only asymmetric algorithms are accepted (RFC 8725 §3.1–3.2: never `none`, never HMAC — a
 *    shared secret would let anyone holding it mint tokens for every Rampart that trusts it);
 * 5. a token maps either to an existing Rampart user (by a claim holding the user's email or id)
 *    or to an external principal bounded by a named Rampart user (the `owner`), never both;
 * 6. the orgs an issuer may speak for are listed; with more than one, a claim must name the org;
 * 7. a built-in role bounds what the issuer's tokens may do in that org.
 * Pure: no I/O, no clock.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** RFC 7518 §3.1 / RFC 8037: the asymmetric JWS algorithms an issuer may be trusted with. */
export const ISSUER_ALGORITHMS = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const);
export type IssuerAlgorithm = (typeof ISSUER_ALGORITHMS)[number];

/** The built-in org roles (tenancy/domain/permissions.ts) a configured issuer may be bounded by. */
export const ISSUER_ROLES = Object.freeze(['owner', 'admin', 'operator', 'viewer', 'auditor'] as const);
export type IssuerRole = (typeof ISSUER_ROLES)[number];

/** The longest lifetime (`exp - iat`) an operator may allow: one day. */
export const MAX_ISSUER_LIFETIME_SECONDS = 86_400;
/** Issuers a deployment may trust at most. */
export const MAX_TRUSTED_ISSUERS = 32;

const ClaimName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$', description: 'A top-level claim of the token.' });
const UserId = Type.String({ pattern: '^usr_[A-Za-z0-9]{1,64}$' });
const OrgId = Type.String({ pattern: '^org_[A-Za-z0-9]{1,64}$' });

const IssuerJson = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }),
    issuer: Type.String({ minLength: 1, maxLength: 2048 }),
    jwks_uri: Type.String({ minLength: 1, maxLength: 2048 }),
    audience: Type.String({ minLength: 1, maxLength: 2048 }),
    algorithms: Type.Array(Type.Union(ISSUER_ALGORITHMS.map((alg) => Type.Literal(alg))), { minItems: 1, uniqueItems: true }),
    max_lifetime_seconds: Type.Integer({ minimum: 1, maximum: MAX_ISSUER_LIFETIME_SECONDS }),
    user: Type.Optional(
      Type.Object({ claim: ClaimName, match: Type.Union([Type.Literal('email'), Type.Literal('id')]) }, { additionalProperties: false }),
    ),
    service: Type.Optional(Type.Object({ claim: ClaimName, owner: UserId }, { additionalProperties: false })),
    orgs: Type.Array(OrgId, { minItems: 1, maxItems: 100, uniqueItems: true }),
    org_claim: Type.Optional(ClaimName),
    role: Type.Union(ISSUER_ROLES.map((role) => Type.Literal(role))),
  },
  { additionalProperties: false },
);
type IssuerJson = Static<typeof IssuerJson>;

const IssuersJson = Type.Array(IssuerJson, { maxItems: MAX_TRUSTED_ISSUERS });

/** Who a verified token speaks for. */
export type IssuerSubject =
  /** An existing Rampart user, found by the claim's value (its email, or its `usr_…` id). */
  | { readonly kind: 'user'; readonly claim: string; readonly match: 'email' | 'id' }
  /** An external principal named by the claim, whose authority is bounded by the Rampart user `owner`. */
  | { readonly kind: 'service'; readonly claim: string; readonly owner: string };

/** One trusted issuer, validated and frozen. */
export interface TrustedIssuer {
  /** Short name: in principal ids, audit entries and `rampart doctor`. */
  readonly name: string;
  /** `iss`, compared exactly (RFC 7519 §4.1.1). */
  readonly issuer: string;
  /** Where its public keys are published (RFC 7517 JWK Set). */
  readonly jwksUri: string;
  /** What `aud` must contain (RFC 7519 §4.1.3, RFC 8725 §3.9). */
  readonly audience: string;
  readonly algorithms: readonly IssuerAlgorithm[];
  /** The most `exp - iat` may be, in seconds. */
  readonly maxLifetimeSeconds: number;
  readonly subject: IssuerSubject;
  /** The org ids (`org_…`) the issuer may speak for. */
  readonly orgs: readonly string[];
  /** The claim naming the token's org; absent: the one org of `orgs`. */
  readonly orgClaim: string | undefined;
  /** The built-in role whose permissions bound every token of the issuer. */
  readonly role: IssuerRole;
}

/** Whether `hostname` (a URL's, IPv6 bracketed) is the loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Why a JWKS URL is not acceptable, or `undefined`: https, or http on loopback; no credentials or fragment. */
export function jwksUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return 'must not carry credentials or a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must be https (http only on a loopback host)';
}

function subjectOf(json: IssuerJson, at: string): IssuerSubject {
  if (json.user !== undefined && json.service !== undefined) throw new Error(`${at} maps tokens to a "user" or a "service", not both`);
  if (json.user !== undefined) return Object.freeze({ kind: 'user', claim: json.user.claim, match: json.user.match });
  if (json.service !== undefined) return Object.freeze({ kind: 'service', claim: json.service.claim, owner: json.service.owner });
  throw new Error(`${at} needs "user" (map to a Rampart user) or "service" (an external principal with an owner)`);
}

function issuerOf(json: IssuerJson, at: string): TrustedIssuer {
  const problem = jwksUrlProblem(json.jwks_uri);
  if (problem !== undefined) throw new Error(`${at}.jwks_uri ${problem}`);
  if (json.org_claim === undefined && json.orgs.length !== 1) {
    throw new Error(`${at} lists several orgs: "org_claim" must name the claim that says which one a token is for`);
  }
  return Object.freeze({
    name: json.name,
    issuer: json.issuer,
    jwksUri: json.jwks_uri,
    audience: json.audience,
    algorithms: Object.freeze([...json.algorithms]),
    maxLifetimeSeconds: json.max_lifetime_seconds,
    subject: subjectOf(json, at),
    orgs: Object.freeze([...json.orgs]),
    orgClaim: json.org_claim,
    role: json.role,
  });
}

/** The first schema error of `value`, as `path: message`. */
function schemaProblem(value: unknown): string {
  const first = Value.Errors(IssuersJson, value).First();
  return first === undefined ? 'is not valid' : `${first.path === '' ? '(top)' : first.path}: ${first.message}`;
}

/**
 * Parses and checks the issuers' JSON; throws an `Error` saying what is wrong (never echoing a
 * value). `ownIssuer` is Rampart's own `iss`, which no external issuer may claim.
 */
export function parseTrustedIssuers(text: string, ownIssuer: string): readonly TrustedIssuer[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('is not valid JSON (an array of issuer objects)');
  }
  if (!Value.Check(IssuersJson, value)) throw new Error(`is not a valid issuer list: ${schemaProblem(value)}`);
  const issuers = value.map((json, index) => issuerOf(json, `issuer ${index} ("${json.name}")`));
  const names = new Set(issuers.map((issuer) => issuer.name));
  const isses = new Set(issuers.map((issuer) => issuer.issuer));
  if (names.size !== issuers.length) throw new Error('names two issuers alike: each "name" must be unique');
  if (isses.size !== issuers.length) throw new Error('lists one "issuer" twice: each iss must be unique');
  if (isses.has(ownIssuer)) throw new Error("lists Rampart's own issuer (RAMPART_PUBLIC_URL): its tokens are verified by Rampart's keys");
  return Object.freeze(issuers);
}
