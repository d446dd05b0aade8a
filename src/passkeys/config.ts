/**
 * The passkeys capability's variables: the WebAuthn relying party (RP ID, the origins a ceremony
 * may come from, the name authenticators show). Listed on the `passkeys` capability
 * (`passkeys/index.ts`); their keys join the kernel's `RampartConfig` here (declaration merging).
 * Rules checked at startup: the RP ID is a host name that each origin's host equals or ends in
 * (WebAuthn Level 3 §5.1.4.1: the RP ID must be a registrable suffix of the origin's effective
 * domain); a listed origin is `https:`, or `http:` on loopback only (a secure context, §5.1.3).
 */
import type { ConfigVariable, PartialConfig, Raw } from '../kernel/config.js';
import { absoluteUrl, list } from '../kernel/config.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** The WebAuthn RP ID: the public URL's host unless set. */
    readonly webauthnRpId: string;
    /** The origins a WebAuthn ceremony is accepted from: the public URL's origin unless set. */
    readonly webauthnOrigins: readonly string[];
    /** The relying party's name, as authenticators show it. */
    readonly webauthnRpName: string;
  }
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function publicUrlOf(partial: PartialConfig): URL {
  return new URL(partial.publicUrl ?? 'http://127.0.0.1:8080');
}

/** Whether `host` may use `rpId` (it is the RP ID or a subdomain of it). */
export function hostFitsRpId(host: string, rpId: string): boolean {
  return host === rpId || host.endsWith(`.${rpId}`);
}

function parseRpId(raw: Raw, partial: PartialConfig): string {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '') return publicUrlOf(partial).hostname;
  if (!HOST_NAME.test(value)) throw new Error('must be a host name (no scheme, port or path)');
  return value;
}

function parseOrigin(value: string, rpId: string): string {
  const url = absoluteUrl(value, 'must list origins such as https://id.example.com');
  if (url.origin !== value.replace(/\/$/, '')) throw new Error('must list origins only (scheme, host and port; no path)');
  const local =
    url.hostname === 'localhost' || url.hostname.endsWith('.localhost') || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new Error('must list https origins (http only on localhost): WebAuthn needs a secure context');
  }
  if (!hostFitsRpId(url.hostname, rpId)) throw new Error(`must list origins whose host is RAMPART_WEBAUTHN_RP_ID (${rpId}) or under it`);
  return url.origin;
}

function parseOrigins(raw: Raw, partial: PartialConfig): readonly string[] {
  const rpId = partial.webauthnRpId ?? publicUrlOf(partial).hostname;
  const items = list(raw);
  // Unset: the public URL's origin as it is (a plain-http deployment starts; browsers then refuse passkeys there).
  if (items.length === 0) return Object.freeze([publicUrlOf(partial).origin]);
  return Object.freeze(items.map((origin) => parseOrigin(origin, rpId)));
}

function parseRpName(raw: Raw): string {
  const value = raw?.trim() ?? '';
  if (value === '') return 'Rampart';
  // Authenticators show it to the user: no control characters, a sane length.
  if (value.length > 64 || /\p{Cc}/u.test(value)) throw new Error('must be 1-64 characters without control characters');
  return value;
}

/** The passkeys variables, in README order (the origins' parse reads the RP ID, so it comes first). */
export const PASSKEYS_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'webauthnRpId',
    env: 'RAMPART_WEBAUTHN_RP_ID',
    defaultText: 'the host of RAMPART_PUBLIC_URL',
    description:
      'The WebAuthn relying-party ID passkeys are bound to: a host name that every origin of `RAMPART_WEBAUTHN_ORIGINS` is, or is under. Changing it makes every registered passkey unusable.',
    parse: parseRpId,
  },
  {
    key: 'webauthnOrigins',
    env: 'RAMPART_WEBAUTHN_ORIGINS',
    defaultText: 'the origin of RAMPART_PUBLIC_URL',
    description:
      'Comma-separated origins a passkey ceremony is accepted from (`https://…`; `http://` on localhost only). An assertion made on any other origin is refused.',
    parse: parseOrigins,
  },
  {
    key: 'webauthnRpName',
    env: 'RAMPART_WEBAUTHN_RP_NAME',
    defaultText: 'Rampart',
    description: 'The relying-party name authenticators show when a passkey is created.',
    parse: parseRpName,
  },
];
