/**
 * A hook source: a sender of inbound webhooks (Stripe, a partner speaking Standard Webhooks), the
 * scheme its signatures follow and the secret(s) they are checked with. An org's sources are
 * stored and addressed by a random `src_…` id (`POST /api/v1/hooks/src_…`); the platform's come
 * from RAMPART_INBOUND_SOURCES and are addressed by name, which can never look like an id.
 */

/** The signature schemes understood. */
export const HOOK_SCHEMES = ['standard-webhooks', 'stripe'] as const;
export type HookScheme = (typeof HOOK_SCHEMES)[number];

export function isHookScheme(value: string): value is HookScheme {
  return (HOOK_SCHEMES as readonly string[]).includes(value);
}

/** An org source's id. */
export const SOURCE_ID_PATTERN = '^src_[a-f0-9]{32}$';
/** A source's name: lower-case letters, digits, `-` and `_`, not starting with `src_` (the ids' prefix). */
export const SOURCE_NAME_PATTERN = '^(?!src_)[a-z0-9][a-z0-9_-]{0,62}$';
/** What the inbound route accepts as `{source}`: an id or a platform source's name. */
export const SOURCE_KEY_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

const SOURCE_ID = new RegExp(SOURCE_ID_PATTERN);
const SOURCE_NAME = new RegExp(SOURCE_NAME_PATTERN);

export function isSourceId(value: string): boolean {
  return SOURCE_ID.test(value);
}

export function isSourceName(value: string): boolean {
  return SOURCE_NAME.test(value);
}

/** Longest event id stored (`webhook-id`, Stripe's `evt_…`). */
export const MAX_EVENT_ID_LENGTH = 255;

/** An org's stored source. Its secret is the org's secret `secretName` (secrets capability). */
export interface OrgHookSource {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly scheme: HookScheme;
  readonly secretName: string;
  readonly secretVersion: number;
  /** The version in use before the last change of secret, accepted beside it until `previousSecretUntil`. */
  readonly previousSecretVersion: number | null;
  readonly previousSecretUntil: number | null;
  readonly toleranceSeconds: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The secret name an org source's signing secret is kept under. */
export function sourceSecretName(sourceId: string): string {
  return `hook-source.${sourceId}`;
}

/** The versions of an org source's secret that verify at `now` (newest first). */
export function acceptedVersions(source: OrgHookSource, now: number): number[] {
  const previous = source.previousSecretVersion;
  const until = source.previousSecretUntil;
  return previous !== null && until !== null && now < until ? [source.secretVersion, previous] : [source.secretVersion];
}

/** Why a request was refused, as audited (the answer is the same 401 for all). */
export type RefusalReason = 'signature_missing' | 'signature_invalid' | 'timestamp_out_of_tolerance' | 'secret_unusable';

/** The outcome of checking one request's signature. */
export type SignatureVerdict =
  | { readonly ok: true; readonly eventId: string | undefined; readonly timestamp: number }
  | { readonly ok: false; readonly reason: RefusalReason };
