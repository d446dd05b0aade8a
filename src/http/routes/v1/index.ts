/** Every v1 route, each resource in its own file. */
import type { FastifyInstance } from 'fastify';
import type { Rampart } from '../../../rampart.js';
import { discoveryRoutes } from './discovery.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';

export async function registerRoutes(app: FastifyInstance, rampart: Rampart): Promise<void> {
  await healthRoutes(app, rampart.readiness);
  await discoveryRoutes(app, rampart.config, () => rampart.clock.now());
  await metricsRoutes(app, rampart.metrics, rampart.config.metricsAllow);
}
