/**
 * The trusted issuers' variable: `RAMPART_TRUSTED_ISSUERS`, the JSON list of external issuers whose
 * JWTs Rampart accepts as bearer tokens (issuers/domain/trusted-issuer.ts checks it), given inline
 * or, as `@<path>`, in a file. Its key joins the kernel's `RampartConfig` here (declaration merging).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigVariable, Raw } from '../../kernel/config.js';
import { parseTrustedIssuers, type TrustedIssuer } from './domain/trusted-issuer.js';

declare module '../../kernel/config.js' {
  interface RampartConfig {
    /** The trusted external token issuers; empty: none (only Rampart's own tokens are bearer tokens). */
    readonly trustedIssuers: readonly TrustedIssuer[];
  }
}

/** The issuers' JSON: the value itself, or the content of the file `@<path>` names. */
function issuersText(raw: string): string {
  if (!raw.startsWith('@')) return raw;
  try {
    return readFileSync(resolve(raw.slice(1).trim()), 'utf8');
  } catch {
    throw new Error('names a file (@path) that cannot be read');
  }
}

function parseIssuers(raw: Raw, ownIssuer: string | undefined): readonly TrustedIssuer[] {
  const value = raw?.trim() ?? '';
  if (value === '') return Object.freeze([]);
  return parseTrustedIssuers(issuersText(value), ownIssuer ?? '');
}

/** The issuers area's variables, in README order. */
export const ISSUER_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'trustedIssuers',
    env: 'RAMPART_TRUSTED_ISSUERS',
    defaultText: 'empty',
    description:
      'External issuers whose JWTs are accepted as bearer tokens: a JSON array (or `@<path>` of a JSON file) of `{name, issuer, jwks_uri, audience, algorithms, max_lifetime_seconds, user: {claim, match: email|id} | service: {claim, owner}, orgs, org_claim?, role}`; asymmetric algorithms only, the JWKS over https (http only on loopback) and through the SSRF guard (docs/decisions/027-trusted-issuers.md).',
    parse: (raw, partial) => parseIssuers(raw, partial.publicUrl),
  },
];
