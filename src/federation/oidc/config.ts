/**
 * The oidc area's variables: the deployment's OIDC and OAuth 2 providers. Their keys join the
 * kernel's `RampartConfig` here (declaration merging).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigVariable } from '../../kernel/config.js';
import { parseProviders, type OidcProviderConfig } from './domain/oidc-provider-config.js';

declare module '../../kernel/config.js' {
  interface RampartConfig {
    /** The OIDC and OAuth 2 providers users may sign in with (empty: none). */
    readonly oidcProviders: readonly OidcProviderConfig[];
  }
}

/** JSON text, or the path of a file holding it (read once, at startup). */
function providersText(value: string): string {
  if (value.startsWith('{')) return value;
  try {
    return readFileSync(resolve(value.startsWith('@') ? value.slice(1) : value), 'utf8');
  } catch {
    throw new Error('is neither a JSON object nor a readable file');
  }
}

export const OIDC_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'oidcProviders',
    env: 'RAMPART_OIDC_PROVIDERS',
    defaultText: 'unset',
    description:
      'OIDC and OAuth 2 sign-in providers: a JSON object by provider name (or `@<path>` of a JSON file), each ' +
      '`{preset?, display_name?, kind?: "oidc" or "oauth2", issuer, client_id, client_secret?, token_auth?, scopes?, provision?, ' +
      'authorization_endpoint?, token_endpoint?, userinfo_endpoint?, jwks_uri?, profile?}`; presets `google`, `github`, ' +
      '`gitlab`, `bitbucket`, `linkedin` fill in endpoints and the email-verification rule. Redirect URI to register: ' +
      '`{RAMPART_PUBLIC_URL}/api/v1/auth/oidc/{name}/callback`. `provision` (default RAMPART_SELF_REGISTRATION): whether a ' +
      'first sign-in with a provider-verified email creates an account (docs/decisions/025-federated-sign-in.md).',
    secret: true,
    parse: (raw) => {
      const value = raw?.trim() ?? '';
      return value === '' ? Object.freeze([]) : parseProviders(providersText(value));
    },
  },
];
