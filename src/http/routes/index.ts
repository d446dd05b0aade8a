/** Every v1 route, each resource in its own file. */
import type { FastifyInstance } from 'fastify';
import type { Rampart } from '../../rampart.js';
import { apiKeyRoutes } from '../../credentials/routes/api-keys.js';
import { auditRoutes } from '../../audit/routes/audit.js';
import { orgAuditRoutes } from '../../audit/routes/org-audit.js';
import { authRoutes } from '../../identity/accounts/routes/auth.js';
import { clientRoutes } from '../../credentials/routes/clients.js';
import { discoveryRoutes } from './discovery.js';
import { healthRoutes } from './health.js';
import { meRoutes } from '../../identity/accounts/routes/me.js';
import { meMfaRoutes } from '../../identity/mfa/routes/me-mfa.js';
import { meDataRoutes } from '../../my-data/routes/me-data.js';
import { metricsRoutes } from './metrics.js';
import { oauthRoutes } from '../../credentials/routes/oauth.js';
import { orgRoutes } from '../../tenancy/routes/orgs.js';
import { secretRoutes } from '../../secrets/routes/secrets.js';
import { userRoutes } from '../../identity/accounts/routes/users.js';
import { wellKnownRoutes } from '../../identity/tokens/routes/well-known.js';

export async function registerRoutes(app: FastifyInstance, rampart: Rampart): Promise<void> {
  await healthRoutes(app, rampart.readiness);
  await discoveryRoutes(app, rampart.config, () => rampart.clock.now());
  await metricsRoutes(app, rampart.metrics, rampart.config.metricsAllow);
  await wellKnownRoutes(app, rampart.config, rampart.identity.tokens);
  await authRoutes(app, rampart);
  await meRoutes(app, rampart.identity.currentUser);
  await meMfaRoutes(app, rampart);
  await meDataRoutes(app, rampart);
  await auditRoutes(app, rampart.auditService);
  await orgAuditRoutes(app, rampart.auditService);
  await userRoutes(app, rampart);
  await orgRoutes(app, rampart);
  await apiKeyRoutes(app, rampart);
  await clientRoutes(app, rampart);
  await oauthRoutes(app, rampart);
  await secretRoutes(app, rampart);
}
