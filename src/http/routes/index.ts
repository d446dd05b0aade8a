/** Every v1 route, each resource in its own file. */
import type { FastifyInstance } from 'fastify';
import type { Rampart } from '../../rampart.js';
import { apiKeyRoutes } from '../../credentials/index.js';
import { auditRoutes } from '../../audit/index.js';
import { orgAuditRoutes } from '../../audit/index.js';
import { authRoutes } from '../../identity/index.js';
import { clientRoutes } from '../../credentials/index.js';
import { discoveryRoutes } from './discovery.js';
import { healthRoutes } from './health.js';
import { meRoutes } from '../../identity/index.js';
import { meMfaRoutes } from '../../identity/index.js';
import { meDataRoutes } from '../../my-data/index.js';
import { metricsRoutes } from './metrics.js';
import { oauthRoutes } from '../../credentials/index.js';
import { orgRoutes } from '../../tenancy/index.js';
import { secretRoutes } from '../../secrets/index.js';
import { userRoutes } from '../../identity/index.js';
import { wellKnownRoutes } from '../../identity/index.js';

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
