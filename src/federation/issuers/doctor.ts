/**
 * The trusted issuers' `rampart doctor` checks with the server's own outbound setup (the SSRF
 * guard's policy from the configuration, the system resolver). Loaded only when the doctor runs.
 */
import type { RampartConfig } from '../../kernel/config.js';
import { outboundPolicyOf, systemResolver } from '../../kernel/net/outbound-policy.js';
import type { DoctorCheck } from '../../kernel/part.js';
import { OutboundJwksSource } from './adapters/outbound-jwks-source.js';
import { issuerDoctorChecks } from './services/issuer-doctor.js';

export function trustedIssuerDoctorChecks(config: RampartConfig): Promise<DoctorCheck[]> {
  return issuerDoctorChecks(config, new OutboundJwksSource(outboundPolicyOf(config), systemResolver({ cacheMs: 0 })));
}
