/** `rampart doctor`'s federation checks: each area's, in the capability's order (loaded only when run). */
import type { RampartConfig } from '../kernel/config.js';
import type { DoctorCheck } from '../kernel/part.js';
import { oidcDoctorChecks } from './oidc/oidc-doctor.js';
import { directoryDoctorChecks } from './directories/doctor.js';
import { trustedIssuerDoctorChecks } from './issuers/doctor.js';

export async function federationDoctorChecks(config: RampartConfig): Promise<DoctorCheck[]> {
  return [...(await oidcDoctorChecks(config)), ...(await directoryDoctorChecks(config)), ...(await trustedIssuerDoctorChecks(config))];
}
