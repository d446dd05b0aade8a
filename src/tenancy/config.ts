/**
 * The tenancy capability's variables: how long an invitation stays open. Listed on the `tenancy`
 * capability (`tenancy/index.ts`); their keys join the kernel's `RampartConfig` here (declaration
 * merging).
 */
import { integer, type ConfigVariable } from '../kernel/config.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Seconds an invitation to an org can be accepted (1 minute to 90 days). */
    readonly invitationTtl: number;
  }
}

/** The tenancy variables, in README order. Each entry is the one place its variable is documented. */
export const TENANCY_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'invitationTtl',
    env: 'RAMPART_INVITATION_TTL',
    defaultText: '604800',
    description:
      'Seconds an invitation to an org stays open (default 7 days, 60 to 7776000); past it, accepting answers 410 `invitation_expired`.',
    parse: integer(60, 7_776_000, 604_800),
  },
];
