/**
 * The signing capability's variables: how long a retired signing key keeps verifying, and the
 * rate limit of the public verification route. Listed on the `signing` capability
 * (`signing/index.ts`); their keys join the kernel's `RampartConfig` here (declaration merging).
 */
import { integer, type ConfigVariable } from '../kernel/config.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Seconds a retired artifact or licence signing key keeps verifying after its rotation. */
    readonly signingRetiredKeyWindow: number;
    /** Requests per minute per client address on `POST /api/v1/artifacts/verify`. */
    readonly artifactVerifyRateLimit: number;
  }
}

/** The signing variables, in README order. Each entry is the one place its variable is documented. */
export const SIGNING_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'signingRetiredKeyWindow',
    env: 'RAMPART_SIGNING_RETIRED_KEY_WINDOW',
    defaultText: '31536000',
    description:
      'Seconds a retired artifact or licence signing key keeps verifying after `rampart keys rotate --purpose artifacts|licences` (365 days by default); the JWKS keeps it with its window, and past it its signatures are refused.',
    parse: integer(0, 10 * 365 * 86_400, 365 * 86_400),
  },
  {
    key: 'artifactVerifyRateLimit',
    env: 'RAMPART_ARTIFACT_VERIFY_RATE_LIMIT',
    defaultText: '120',
    description: 'Requests per minute per client address on the public `POST /api/v1/artifacts/verify`; past it 429 `rate_limited`.',
    parse: integer(1, 1_000_000, 120),
  },
];
