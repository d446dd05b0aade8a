/**
 * The passkeys capability's public face: WebAuthn credentials (registration, username-less
 * sign-in, second factor, step-up) and their routes. Later capabilities and the application reach
 * nothing here but what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { PASSKEYS_PROCESSING, PASSKEYS_RETENTION } from './domain/privacy.js';
import { composePasskeysPart, type Passkeys } from './compose.js';
import { PASSKEYS_VARIABLES } from './config.js';

export { type Passkeys } from './compose.js';
// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { PASSKEYS_VARIABLES } from './config.js';
// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { PASSKEYS_AUDIT_ACTIONS } from './domain/audit-actions.js';

declare module '../kernel/part.js' {
  interface Facades {
    passkeys: Passkeys;
  }
}

export const passkeys: Capability<'passkeys'> = {
  name: 'passkeys',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  retention: PASSKEYS_RETENTION,
  privacy: PASSKEYS_PROCESSING,
  variables: PASSKEYS_VARIABLES,
  compose: (kernel, earlier) => composePasskeysPart(kernel, earlier),
};
