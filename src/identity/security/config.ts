/**
 * The variables of identity's security events and new-device alerts, joined to identity's list
 * (identity/index.ts); their keys join the kernel's `RampartConfig` here (declaration merging).
 */
import { integer, type ConfigVariable } from '../../kernel/config.js';

declare module '../../kernel/config.js' {
  interface RampartConfig {
    /** Seconds a new-device alert's links work ("this was me", "this wasn't me"). */
    readonly newDeviceLinkTtl: number;
  }
}

export const SECURITY_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'newDeviceLinkTtl',
    env: 'RAMPART_NEW_DEVICE_LINK_TTL',
    defaultText: '604800',
    description:
      'Seconds (300 to 2592000) during which the two links of a new-device alert mail ("this was me", "this wasn\'t me") work; each works once, and using one spends both.',
    parse: integer(300, 2_592_000, 604_800),
  },
];
