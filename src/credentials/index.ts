/** The credentials capability's public face: what later capabilities and the application may use. */
export { clientCommand } from './cli/client-command.js';
export { composeApiKeys, type Credentials } from './compose.js';
export { type ApiKey } from './domain/api-key.js';
export { KeyJson, apiKeyRoutes, keyJson } from './routes/api-keys.js';
export { clientRoutes } from './routes/clients.js';
export { oauthRoutes } from './routes/oauth.js';
export { type ApiKeyService } from './services/api-key-service.js';
