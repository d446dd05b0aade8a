/**
 * Key age (issue 22 item 3, "rotate API keys regularly, every 90 days"): the rotation period of
 * every key kind, which `rampart doctor` warns past (naming the kind and its age), and whether the
 * access-token signing keys are rotated on that schedule by the server itself. Joined to
 * identity's list (identity/index.ts); the keys join `RampartConfig` here.
 */
import { boolean, integer, type ConfigVariable } from '../../kernel/config.js';

declare module '../../kernel/config.js' {
  interface RampartConfig {
    /** Days after which a key of any kind is due for rotation. */
    readonly keyRotationDays: number;
    /** Whether servers rotate the access-token signing key once it is `keyRotationDays` old. */
    readonly keyRotationSchedule: boolean;
  }
}

export const KEY_ROTATION_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'keyRotationDays',
    env: 'RAMPART_KEY_ROTATION_DAYS',
    defaultText: '90',
    description:
      'Rotation period (1 to 3650 days) of every key kind — access-token signing keys, the audit checkpoint key, the secrets KEK and data keys, artifact and licence signing keys, the root key, API keys: `rampart doctor` warns past it, naming the kind and its age.',
    parse: integer(1, 3650, 90),
  },
  {
    key: 'keyRotationSchedule',
    env: 'RAMPART_KEY_ROTATION_SCHEDULE',
    defaultText: 'off',
    description:
      '`on`: servers rotate the access-token signing key themselves once it is `RAMPART_KEY_ROTATION_DAYS` old (checked hourly, audited as `keys.rotate`); the other kinds stay with their commands.',
    parse: (raw) => {
      const value = raw?.trim().toLowerCase();
      if (value === 'on') return true;
      if (value === 'off') return false;
      return boolean(false)(raw);
    },
  },
];

/** The rotation period in ms. */
export function rotationPeriodMs(config: { readonly keyRotationDays: number }): number {
  return config.keyRotationDays * 86_400_000;
}
