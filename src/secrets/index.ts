/**
 * The secrets capability's public face: envelope-encrypted, versioned secrets of the orgs (a data
 * key per org under a KEK from the master key or a PKCS#11 token), KEK rotation, the routes and
 * the `rampart secrets` commands. Later capabilities and the application use only what this file
 * exports.
 */
import type { Capability } from '../kernel/part.js';
import { secretsCommand } from './cli/secrets-command.js';
import { composeSecretsPart, type Secrets } from './compose.js';
import { SECRETS_VARIABLES } from './config.js';
import { SECRETS_EVENT_TYPES } from './domain/events.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { SECRETS_VARIABLES } from './config.js';

export { Pkcs11Kek } from './adapters/pkcs11-kek.js';
export { SqlSecretBackend } from './adapters/sql-secret-backend.js';
export { composeSecrets, kekProviderOf, type Secrets } from './compose.js';
export { KekRotation } from './services/kek-rotation.js';
export type { KekHolder, KekHolderRewrap, KekHolders, RewrapOne } from './ports/kek-holder.js';
export { systemScope, type SystemScope } from './domain/system-scope.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { SECRETS_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { SECRETS_EVENT_TYPES } from './domain/events.js';

declare module '../kernel/part.js' {
  interface Facades {
    secrets: Secrets;
  }
}

export const secrets: Capability<'secrets'> = {
  name: 'secrets',
  // Versions before the data keys they name; deleting an org's data keys crypto-shreds its secrets.
  tenantTables: ['secret_versions', 'secrets', 'secret_data_keys'],
  eventTypes: SECRETS_EVENT_TYPES,
  variables: SECRETS_VARIABLES,
  commands(program, context) {
    program.addCommand(secretsCommand(context.run));
  },
  compose: (kernel, earlier) => composeSecretsPart(kernel, earlier),
};
