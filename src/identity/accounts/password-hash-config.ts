/**
 * The password-hash policy's variables (issue 22 item 5): `RAMPART_PASSWORD_HASH` chooses argon2id
 * (the default) or bcrypt, with bcrypt's cost or argon2id's memory, passes and lanes. A policy
 * below the OWASP Password Storage Cheat Sheet's floor is refused at start, naming the variable:
 * bcrypt cost at least 10; argon2id memory at least 7168 KiB and memory × passes at least
 * 35840 (the cheat sheet's equivalent settings m=47104/t=1 … m=7168/t=5 all meet it).
 * Joined to identity's list (identity/index.ts); the keys join `RampartConfig` here.
 */
import { integer, type ConfigVariable, type PartialConfig } from '../../kernel/config.js';
import { OWASP_ARGON2ID, type PasswordHashPolicy } from './crypto/password-hasher.js';

declare module '../../kernel/config.js' {
  interface RampartConfig {
    /** The scheme of new password hashes; hashes of the other scheme are rehashed at login. */
    readonly passwordHash: 'argon2id' | 'bcrypt';
    /** bcrypt's cost (log2 of its rounds) under `passwordHash` `bcrypt`. */
    readonly bcryptCost: number;
    /** argon2id memory in KiB. */
    readonly argon2Memory: number;
    /** argon2id passes. */
    readonly argon2Time: number;
    /** argon2id lanes. */
    readonly argon2Parallelism: number;
  }
}

/** The OWASP floor for argon2id: memory × passes (KiB) of its weakest equivalent setting, m=7168, t=5. */
const ARGON2_MIN_WORK = 7168 * 5;

export const PASSWORD_HASH_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'passwordHash',
    env: 'RAMPART_PASSWORD_HASH',
    defaultText: 'argon2id',
    description:
      'The scheme of new password hashes: `argon2id` or `bcrypt`. A stored hash of the other scheme, or of other parameters, still verifies and is rehashed under this policy at the next successful login.',
    parse: (raw) => {
      const value = raw?.trim() ?? '';
      if (value === '' || value === 'argon2id') return 'argon2id';
      if (value === 'bcrypt') return 'bcrypt';
      throw new Error('must be argon2id or bcrypt');
    },
  },
  {
    key: 'bcryptCost',
    env: 'RAMPART_BCRYPT_COST',
    defaultText: '12',
    description:
      'With `RAMPART_PASSWORD_HASH=bcrypt`: the cost (10 to 16; each step doubles the work). Passwords past 72 bytes are refused by bcrypt itself.',
    parse: integer(10, 16, 12),
  },
  {
    key: 'argon2Memory',
    env: 'RAMPART_ARGON2_MEMORY',
    defaultText: '19456',
    description: 'argon2id memory in KiB (7168 to 262144); with `RAMPART_ARGON2_TIME`, memory × passes must be at least 35840 (OWASP).',
    parse: integer(7168, 262_144, OWASP_ARGON2ID.memoryCost),
  },
  {
    key: 'argon2Time',
    env: 'RAMPART_ARGON2_TIME',
    defaultText: '2',
    description: 'argon2id passes over memory (1 to 16).',
    parse: (raw: string | undefined, partial: PartialConfig) => {
      const time = integer(1, 16, OWASP_ARGON2ID.timeCost)(raw);
      const memory = partial.argon2Memory ?? OWASP_ARGON2ID.memoryCost;
      if (memory * time < ARGON2_MIN_WORK) {
        throw new Error(`with RAMPART_ARGON2_MEMORY=${memory}, must make memory × passes at least ${ARGON2_MIN_WORK} (OWASP)`);
      }
      return time;
    },
  },
  {
    key: 'argon2Parallelism',
    env: 'RAMPART_ARGON2_PARALLELISM',
    defaultText: '1',
    description: 'argon2id lanes (1 to 16).',
    parse: integer(1, 16, OWASP_ARGON2ID.parallelism),
  },
];

/** The policy the configuration names. */
export function passwordHashPolicyOf(config: {
  readonly passwordHash: 'argon2id' | 'bcrypt';
  readonly bcryptCost: number;
  readonly argon2Memory: number;
  readonly argon2Time: number;
  readonly argon2Parallelism: number;
}): PasswordHashPolicy {
  if (config.passwordHash === 'bcrypt') return { scheme: 'bcrypt', cost: config.bcryptCost };
  return {
    scheme: 'argon2id',
    parameters: { memoryCost: config.argon2Memory, timeCost: config.argon2Time, parallelism: config.argon2Parallelism },
  };
}
