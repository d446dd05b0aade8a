/**
 * The federation capability on the kernel: sign-in through the identities a team already has —
 * OIDC and OAuth 2 providers (oidc/), LDAP directories and the system's PAM stack (directories/) —
 * and bearer tokens from trusted external issuers (issuers/). Each area composes its own part;
 * this file joins them. Every sign-in ends in identity's login answer (`identity.signIn`), so MFA,
 * session modes and cookies are those of a password login.
 */
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { composeDirectories, type Directories } from './directories/compose-directories.js';
import { composeIssuers, type Issuers } from './issuers/compose-issuers.js';
import { composeOidc, type OidcFederation } from './oidc/compose-oidc.js';

export interface Federation {
  readonly oidc: OidcFederation;
  readonly directories: Directories;
  readonly issuers: Issuers;
}

export async function composeFederationPart(kernel: Kernel, earlier: Earlier): Promise<Part<Federation>> {
  const oidc = await composeOidc(kernel, earlier);
  const directories = await composeDirectories(kernel, earlier, oidc.facade);
  const issuers = await composeIssuers(kernel, earlier);
  const parts = [oidc, directories, issuers];
  return {
    facade: Object.freeze({ oidc: oidc.facade, directories: directories.facade, issuers: issuers.facade }),
    routes: async (app) => {
      for (const part of parts) await part.routes?.(app);
    },
    authenticators: parts.flatMap((part) => part.authenticators ?? []),
    readiness: parts.flatMap((part) => part.readiness ?? []),
    metrics: parts.flatMap((part) => part.metrics ?? []),
    personalData: parts.flatMap((part) => part.personalData ?? []),
  };
}
