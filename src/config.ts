/**
 * The whole configuration: the kernel's `RAMPART_*` variables (`kernel/config.ts`), then each
 * capability's (its `config.ts`, listed on its `Capability`) in composition order
 * (`capabilities.ts`). This is the list `rampart config` prints and the README's configuration
 * table follows (a drift test compares them).
 *
 * The order matters: a variable's parse may read the variables before it (`partial`), and reads
 * `undefined` for one not yet parsed. Today each reads only within its own list, after what it
 * reads: `RAMPART_DATABASE_MIGRATION_URL` reads `RAMPART_DATABASE_URL`, `RAMPART_TLS_KEY` and
 * `RAMPART_HTTP_REDIRECT_PORT` read `RAMPART_TLS_CERT`, `RAMPART_SECURITY_CONTACT` reads
 * `RAMPART_PUBLIC_URL`; the `RAMPART_PKCS11_*` variables read `RAMPART_KEK_SOURCE`;
 * `RAMPART_SESSION_ABSOLUTE_TIMEOUT` reads `RAMPART_SESSION_IDLE_TIMEOUT`. A capability's variable
 * may read the kernel's and those of capabilities composed before it, never a later one's.
 */
import { CAPABILITIES } from './capabilities.js';
import {
  describeConfigFrom,
  KERNEL_VARIABLES,
  loadConfigFrom,
  type ConfigVariable,
  type LoadOptions,
  type RampartConfig,
} from './kernel/config.js';

export { ConfigError, type ConfigVariable, type LoadOptions, type RampartConfig } from './kernel/config.js';

/** Every variable, in the order they are parsed, documented and printed: the kernel's, then each capability's. */
export const VARIABLES: readonly ConfigVariable[] = Object.freeze([
  ...KERNEL_VARIABLES,
  ...CAPABILITIES.flatMap((capability) => capability.variables ?? []),
]);

/** Reads, checks and freezes the configuration. Throws {@link ConfigError} on the first problem. */
export function loadConfig(options: LoadOptions = {}): RampartConfig {
  return loadConfigFrom(VARIABLES, options);
}

/** The effective configuration by variable name, secrets redacted: what `rampart config` prints. */
export function describeConfig(config: RampartConfig): Record<string, unknown> {
  return describeConfigFrom(VARIABLES, config);
}
