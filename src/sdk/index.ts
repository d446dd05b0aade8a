/**
 * `rampart/client`: the SDK for applications and scripts that call a Rampart server. Typed
 * functions for every route, generated from the OpenAPI document (src/sdk/schema.ts, by
 * `npm run sdk:generate`), with token refresh, DPoP and retries of 429/503; refusals throw
 * {@link RampartError} with the problem's stable `code`.
 */
export { createClient, type ClientOptions, type LoginResult, type RampartClient, type Tokens, type RetryPolicy } from './client.js';
export { RampartError, type Problem } from './rampart-error.js';
export { generateDpopKey, type DpopKey } from './dpop-signer.js';
export type { components, paths, operations } from './schema.js';
