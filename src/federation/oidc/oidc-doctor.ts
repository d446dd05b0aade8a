/**
 * `rampart doctor`'s view of the OIDC/OAuth providers, one group of checks per provider:
 * - TLS: the issuer and every endpoint written out are https (plain http only to this machine:
 *   a local identity provider, the tests) — otherwise `fail`;
 * - the redirect URI: exact, under RAMPART_PUBLIC_URL, which must be https unless on loopback
 *   (`warn`: a browser will not keep a `__Host-` cookie over plain http);
 * - discovery: the issuer's metadata is reachable through the SSRF guard and names the issuer
 *   (OIDC without endpoints written out) — otherwise `fail` with the outcome, never a secret.
 */
import type { RampartConfig } from '../../kernel/config.js';
import { outboundPolicyOf, systemResolver } from '../../kernel/net/outbound-policy.js';
import type { DoctorCheck } from '../../kernel/part.js';
import type { OidcProviderConfig } from './domain/oidc-provider-config.js';
import { redirectUriOf } from './compose-oidc.js';
import { guardedFetch } from './services/guarded-fetch.js';
import { isLoopbackHttp, ProviderClient } from './services/provider-client.js';

function tlsCheck(provider: OidcProviderConfig): DoctorCheck {
  const urls = [provider.issuer, ...Object.values(provider.endpoints ?? {}), provider.profile?.userUrl, provider.profile?.emails?.url];
  const plain = urls.filter((url): url is string => url !== undefined && new URL(url).protocol !== 'https:' && !isLoopbackHttp(url));
  const name = `oidc ${provider.name} tls`;
  if (plain.length > 0) return { name, status: 'fail', reason: `plain http outside this machine: ${plain.join(', ')}` };
  return { name, status: 'pass', reason: 'https (or http on loopback only)' };
}

function redirectCheck(config: RampartConfig, provider: OidcProviderConfig): DoctorCheck {
  const uri = redirectUriOf(config.publicUrl, provider.name);
  const name = `oidc ${provider.name} redirect-uri`;
  if (new URL(uri).protocol !== 'https:' && !isLoopbackHttp(uri)) {
    return { name, status: 'warn', reason: `${uri}: RAMPART_PUBLIC_URL is not https, so browsers drop the __Host- state cookie` };
  }
  return { name, status: 'pass', reason: `register exactly ${uri} at the provider` };
}

async function discoveryCheck(config: RampartConfig, provider: OidcProviderConfig): Promise<DoctorCheck> {
  const name = `oidc ${provider.name} discovery`;
  if (provider.endpoints !== undefined) return { name, status: 'pass', reason: 'endpoints written out: no discovery' };
  const client = new ProviderClient(
    provider,
    redirectUriOf(config.publicUrl, provider.name),
    guardedFetch(outboundPolicyOf(config), systemResolver()),
  );
  try {
    const metadata = (await client.configuration()).serverMetadata();
    return { name, status: 'pass', reason: `${metadata.issuer} answers its discovery document` };
  } catch (error) {
    const outcome = (error as { outcome?: unknown }).outcome;
    const code = (error as { code?: unknown }).code;
    const why = typeof outcome === 'string' ? outcome : typeof code === 'string' ? code : 'not a valid discovery document';
    return { name, status: 'fail', reason: `${provider.issuer}: discovery failed (${why})` };
  }
}

/** The checks of every configured provider; none when no provider is configured. */
export async function oidcDoctorChecks(config: RampartConfig): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const provider of config.oidcProviders) {
    checks.push(tlsCheck(provider), redirectCheck(config, provider), await discoveryCheck(config, provider));
  }
  return checks;
}
