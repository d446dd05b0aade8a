/**
 * The licences capability's variables: how long an activation token lives, the offline grace
 * period it carries, and the rate limits of the public activation and status routes. Listed on
 * the `licences` capability (`licences/index.ts`); their keys join `RampartConfig` here.
 */
import { integer, type ConfigVariable } from '../kernel/config.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Seconds an activation token is fresh (`exp` − `iat`); a check is due at half of it (`refresh_after`). */
    readonly licenceTokenTtl: number;
    /** Seconds past a token's `exp` that an installation may keep working without a successful check. */
    readonly licenceGracePeriod: number;
    /** Activations per minute from one address, and for one licence. */
    readonly licenceActivationRateLimit: number;
    /** Status checks and deactivations per minute from one address. */
    readonly licenceStatusRateLimit: number;
  }
}

/** The licences variables, in README order. */
export const LICENCES_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'licenceTokenTtl',
    env: 'RAMPART_LICENCE_TOKEN_TTL',
    defaultText: '3600',
    description:
      'Seconds an activation token is fresh (60 to 604800); the installation is asked to check its status (`refresh_after`) at half of it.',
    parse: integer(60, 604_800, 3600),
  },
  {
    key: 'licenceGracePeriod',
    env: 'RAMPART_LICENCE_GRACE_PERIOD',
    defaultText: '259200',
    description:
      "Offline grace period in seconds (0 to 7776000), carried in every activation token: how long past the token's expiry an installation may keep working without a successful status check.",
    parse: integer(0, 7_776_000, 259_200),
  },
  {
    key: 'licenceActivationRateLimit',
    env: 'RAMPART_LICENCE_ACTIVATION_RATE_LIMIT',
    defaultText: '30',
    description: 'Licence activations per minute from one address, and (counted apart) for one licence.',
    parse: integer(1, 1_000_000, 30),
  },
  {
    key: 'licenceStatusRateLimit',
    env: 'RAMPART_LICENCE_STATUS_RATE_LIMIT',
    defaultText: '6000',
    description: 'Licence status checks and deactivations per minute from one address (many installations may share one).',
    parse: integer(1, 10_000_000, 6000),
  },
];
