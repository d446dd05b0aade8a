/**
 * The licences capability's public face (issue 16 items 4–5): signed licence keys with a check
 * group, activation of installations up to a limit, short-lived signed activation tokens with an
 * offline grace period, status checks that see a revocation on every instance at once, and the
 * client module an installed product embeds (`rampart/licence-client`, src/licences/client/).
 */
import type { Capability } from '../kernel/part.js';
import { LICENCES_PROCESSING } from './domain/privacy.js';
import { composeLicencesPart, type Licences } from './compose.js';
import { LICENCES_VARIABLES } from './config.js';
import { LICENCES_EVENT_TYPES } from './domain/events.js';

export { type Licences } from './compose.js';
export { type Licence } from './domain/licence.js';

// Re-exported so that the RampartConfig keys, AuditActions and EventTypes this module declares reach the library's type declarations.
export { LICENCES_VARIABLES } from './config.js';
export { LICENCES_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { LICENCES_EVENT_TYPES } from './domain/events.js';

declare module '../kernel/part.js' {
  interface Facades {
    licences: Licences;
  }
}

export const licences: Capability<'licences'> = {
  name: 'licences',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  privacy: LICENCES_PROCESSING,
  // 0021-licences: activations before the licences they belong to.
  tenantTables: ['licence_activations', 'licences'],
  eventTypes: LICENCES_EVENT_TYPES,
  variables: LICENCES_VARIABLES,
  compose: (kernel, earlier) => composeLicencesPart(kernel, earlier),
};
