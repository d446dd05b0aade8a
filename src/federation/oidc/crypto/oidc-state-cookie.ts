/**
 * The state cookie of an OIDC/OAuth sign-in (docs/decisions/025-federated-sign-in.md): what the
 * callback must find again — the provider, `state`, `nonce`, the PKCE verifier (RFC 7636), the
 * session mode, and for a link the account it links to — sealed with AES-256-GCM under a key
 * derived from the master key, so the browser can neither read the verifier nor forge a link.
 * `__Host-` (Secure, Path=/, no Domain: no sibling subdomain plants it), HttpOnly, SameSite=Lax
 * (it must come back on the provider's top-level redirect), 10 minutes; the seal carries its
 * own expiry too, so a cookie kept past Max-Age still fails.
 */
import { timingSafeEqual } from 'node:crypto';
import { openAesGcm, sealAesGcm } from '../../../kernel/crypto/aes-gcm-seal.js';
import type { Secret } from '../../../kernel/domain/secret.js';

export const STATE_COOKIE_NAME = '__Host-rampart_oidc';
/** How long a started sign-in may take at the provider. */
export const STATE_TTL_MS = 10 * 60 * 1000;
const AAD = 'rampart/v1/oidc-state';

/** What a started sign-in remembers. */
export interface OidcState {
  readonly provider: string;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly mode: 'token' | 'cookie';
  /** The account a link adds the identity to; absent for a sign-in. */
  readonly linkUserId?: string;
  readonly expiresAt: number;
}

function isState(value: unknown): value is OidcState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.provider === 'string' &&
    typeof v.state === 'string' &&
    typeof v.nonce === 'string' &&
    typeof v.verifier === 'string' &&
    (v.mode === 'token' || v.mode === 'cookie') &&
    (v.linkUserId === undefined || typeof v.linkUserId === 'string') &&
    typeof v.expiresAt === 'number'
  );
}

/** The `Set-Cookie` header of a started sign-in. */
export function setStateCookie(key: Secret<Buffer>, state: OidcState): string {
  const sealed = sealAesGcm(key.reveal(), Buffer.from(JSON.stringify(state), 'utf8'), AAD);
  return `${STATE_COOKIE_NAME}=${encodeURIComponent(sealed)}; Path=/; Max-Age=${STATE_TTL_MS / 1000}; Secure; HttpOnly; SameSite=Lax`;
}

/** The `Set-Cookie` header that ends it (the callback spends it, whatever the outcome). */
export function clearStateCookie(): string {
  return `${STATE_COOKIE_NAME}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax`;
}

function cookieValue(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const pair = part.trim();
    if (pair.startsWith(`${STATE_COOKIE_NAME}=`)) return pair.slice(STATE_COOKIE_NAME.length + 1);
  }
  return undefined;
}

/** The sign-in the `Cookie` header's state cookie holds, if it opens, is well-formed and is not expired at `now`. */
export function readStateCookie(key: Secret<Buffer>, header: string | undefined, now: number): OidcState | undefined {
  const raw = cookieValue(header);
  if (raw === undefined || raw.length > 4096) return undefined;
  let sealed: string;
  try {
    sealed = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const opened = openAesGcm(key.reveal(), sealed, AAD);
  if (opened === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(opened.toString('utf8'));
  } catch {
    return undefined;
  }
  return isState(value) && value.expiresAt > now ? value : undefined;
}

/** Whether the `state` the provider sent back is the one the cookie holds (constant time). */
export function stateMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
