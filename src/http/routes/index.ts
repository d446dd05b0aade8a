/**
 * Every v1 route: the server's own (health, discovery, metrics), then each capability's, in
 * composition order. A capability's routes receive its facade, never the whole `Rampart`.
 */
import type { FastifyInstance } from 'fastify';
import type { Rampart } from '../../rampart.js';
import { discoveryRoutes } from './discovery.js';
import { docsRoutes } from './docs.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';

export async function registerRoutes(app: FastifyInstance, rampart: Rampart): Promise<void> {
  await healthRoutes(app, rampart.readiness);
  await discoveryRoutes(app, rampart.config, () => rampart.clock.now());
  await metricsRoutes(app, rampart.metrics, rampart.config.metricsAllow);
  await docsRoutes(app);
  for (const part of rampart.parts) await part.routes?.(app);
}
