/**
 * The credentials capability's public face: API keys and OAuth service clients, their
 * authenticators and routes, and the `rampart client` commands. Later capabilities and the
 * application use only what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { CREDENTIALS_PROCESSING } from './domain/privacy.js';
import { clientCommand } from './cli/client-command.js';
import { composeCredentialsPart, type Credentials } from './compose.js';
import { CREDENTIALS_EVENT_TYPES } from './domain/events.js';

export { type Credentials } from './compose.js';
export { type ApiKey } from './domain/api-key.js';
export { KeyJson, keyJson } from './routes/api-keys.js';
export { type ApiKeyService } from './services/api-key-service.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { CREDENTIALS_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { CREDENTIALS_EVENT_TYPES } from './domain/events.js';

declare module '../kernel/part.js' {
  interface Facades {
    credentials: Credentials;
  }
}

export const credentials: Capability<'credentials'> = {
  name: 'credentials',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  privacy: CREDENTIALS_PROCESSING,
  // 0009-api-keys-clients: an org's service clients, their revoked tokens, and the keys confined to it.
  tenantTables: ['oauth_token_revocations', 'service_clients', 'api_keys'],
  eventTypes: CREDENTIALS_EVENT_TYPES,
  commands(program, context) {
    program.addCommand(clientCommand(context));
  },
  compose: (kernel, earlier) => composeCredentialsPart(kernel, earlier),
};
