/**
 * `rampart doctor`'s view of the trusted issuers: for each, whether its JWKS URL is https (http is
 * accepted on a loopback host only, and reported), and whether the JWKS answers through the SSRF
 * guard — as the server would fetch it — with at least one usable public key for one of the
 * issuer's algorithms. An unreachable or empty JWKS is a `fail`: that issuer's tokens are refused.
 */
import type { RampartConfig } from '../../../kernel/config.js';
import type { DoctorCheck } from '../../../kernel/part.js';
import { issuerKeySet } from '../crypto/issuer-key-set.js';
import { isLoopbackHost, type TrustedIssuer } from '../domain/trusted-issuer.js';
import { JwksUnavailableError, type JwksSource } from '../ports/jwks-source.js';

function tlsCheck(issuer: TrustedIssuer): DoctorCheck {
  const name = `trusted-issuer ${issuer.name} tls`;
  const url = new URL(issuer.jwksUri);
  if (url.protocol === 'https:') return { name, status: 'pass', reason: 'the JWKS is fetched over https' };
  if (isLoopbackHost(url.hostname)) return { name, status: 'warn', reason: 'the JWKS is fetched over plain http on loopback' };
  return { name, status: 'fail', reason: 'the JWKS URL must be https' };
}

async function jwksCheck(issuer: TrustedIssuer, source: JwksSource): Promise<DoctorCheck> {
  const name = `trusted-issuer ${issuer.name} jwks`;
  let document: unknown;
  try {
    document = await source.fetch(issuer);
  } catch (error) {
    const reason = error instanceof JwksUnavailableError ? error.reason : 'the fetch failed';
    return { name, status: 'fail', reason: `the JWKS cannot be fetched through the SSRF guard: ${reason}` };
  }
  const set = issuerKeySet(document);
  if (set === undefined) return { name, status: 'fail', reason: 'the JWKS URL does not answer a JWK Set' };
  if (set.size === 0) return { name, status: 'fail', reason: 'the JWK Set holds no usable public signing key' };
  return { name, status: 'pass', reason: `${set.size} public signing key(s) published` };
}

/** The checks of every configured issuer, fetching through `source`. */
export async function issuerDoctorChecks(config: RampartConfig, source: JwksSource): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const issuer of config.trustedIssuers) {
    checks.push(tlsCheck(issuer), await jwksCheck(issuer, source));
  }
  return checks;
}
