/** The secrets capability's public face: what later capabilities and the application may use. */
export { Pkcs11Kek } from './adapters/pkcs11-kek.js';
export { SqlSecretBackend } from './adapters/sql-secret-backend.js';
export { secretsCommand } from './cli/secrets-command.js';
export { composeSecrets, kekProviderOf, type Secrets } from './compose.js';
export { secretRoutes } from './routes/secrets.js';
export { KekRotation } from './services/kek-rotation.js';
