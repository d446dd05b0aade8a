/**
 * The federation capability's variables, in README order: the OIDC/OAuth providers', the
 * directories', then the trusted issuers' (each area declares its own keys of `RampartConfig`).
 */
import type { ConfigVariable } from '../kernel/config.js';
import { DIRECTORY_VARIABLES } from './directories/config.js';
import { ISSUER_VARIABLES } from './issuers/config.js';
import { OIDC_VARIABLES } from './oidc/config.js';

export const FEDERATION_VARIABLES: readonly ConfigVariable[] = [...OIDC_VARIABLES, ...DIRECTORY_VARIABLES, ...ISSUER_VARIABLES];
