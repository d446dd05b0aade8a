/**
 * `rampart/licence-client` (package.json "exports"): the module an installed product embeds to
 * activate a licence, keep and refresh its activation token, and verify it offline against pinned
 * keys (licence-client.ts). Node built-ins only; nothing here reaches the server's code.
 */
export {
  LicenceClient,
  LicenceClientError,
  type LicenceClientOptions,
  type LicenceState,
  type LicenceStateReason,
  type LicenceTokenStore,
  type PinnedKeys,
} from './licence-client.js';
export { parseLicenceKey, formatLicenceKey, LICENCE_KEY_PREFIX, type LicenceKeyParts, type LicenceKeyReading } from './licence-key-text.js';
export { parseActivationToken, ACTIVATION_TOKEN_TYPE, type ActivationClaims } from './activation-token-format.js';
