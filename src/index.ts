/**
 * Rampart as a library. `createRampart(config)` returns the services; `rampartPlugin` mounts the
 * chain and the routes in a host Fastify app:
 *
 * ```ts
 * const rampart = await createRampart(loadConfig());
 * const app = Fastify();
 * await app.register(rampartPlugin, { rampart });
 * ```
 */
export { loadConfig, describeConfig, ConfigError, VARIABLES, type RampartConfig, type LoadOptions } from './config.js';
export { createRampart, type Rampart, type RampartOptions } from './rampart.js';
/** RAMPART_PUBLIC_URL's default follows the port a library host listens on: `createRampart(withListenPort(config, 3000))`. */
export { withListenPort, defaultPublicUrl } from './kernel/config.js';
export { rampartPlugin, buildServer, type RampartPluginOptions } from './http/server.js';
export { startServer, closeOnSignal, type RunningServer, type StartOptions } from './serve.js';
export { DomainError, ERROR_CATALOG, ERROR_CODES, type ErrorCode } from './kernel/domain/errors.js';
export { Secret, secret } from './kernel/domain/secret.js';
export type { RouteAccess, PermissionAccess } from './kernel/domain/access.js';
export type { Principal, AuthenticationResult, Decision } from './kernel/domain/principal.js';
export type { Authenticator, CredentialRequest } from './kernel/ports/authenticator.js';
export type { Authorizer, AuthorizationQuestion } from './kernel/ports/authorizer.js';
export type { RateLimiter, RateLimitResult } from './kernel/ports/rate-limiter.js';
export type { IdempotencyStore } from './kernel/ports/idempotency-store.js';
export type { Clock } from './kernel/ports/clock.js';
export type { AuditAction, AuditActions } from './kernel/domain/audit-entry.js';
export { VERSION } from './version.js';
