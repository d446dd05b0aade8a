/**
 * The federation capability's public face: OIDC/OAuth sign-in and linked identities, LDAP and
 * PAM directories, trusted external token issuers. Later capabilities and the application reach
 * nothing here but what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { FEDERATION_PROCESSING } from './domain/privacy.js';
import { composeFederationPart, type Federation } from './compose.js';
import { FEDERATION_VARIABLES } from './config.js';

export { type Federation } from './compose.js';
export { FEDERATION_VARIABLES } from './config.js';
// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { FEDERATION_AUDIT_ACTIONS } from './domain/audit-actions.js';

declare module '../kernel/part.js' {
  interface Facades {
    federation: Federation;
  }
}

export const federation: Capability<'federation'> = {
  name: 'federation',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  privacy: FEDERATION_PROCESSING,
  variables: FEDERATION_VARIABLES,
  doctor: async (config) => (await import('./doctor.js')).federationDoctorChecks(config),
  compose: (kernel, earlier) => composeFederationPart(kernel, earlier),
};
