/**
 * Request metrics for `/metrics` (prom-client): a counter and a latency histogram by method,
 * route pattern (never the raw path, so cardinality stays bounded) and status.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface MetricsOptions {
  readonly registry: Registry;
}

type Labels = 'method' | 'route' | 'status';
const REQUESTS = 'rampart_http_requests_total';
const DURATION = 'rampart_http_request_duration_seconds';

/** The request metrics of a registry, created once: one Rampart may be mounted in several apps. */
function requestMetrics(registry: Registry): { requests: Counter<Labels>; duration: Histogram<Labels> } {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests =
    (registry.getSingleMetric(REQUESTS) as Counter<Labels> | undefined) ??
    new Counter({ name: REQUESTS, help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration =
    (registry.getSingleMetric(DURATION) as Histogram<Labels> | undefined) ??
    new Histogram({
      name: DURATION,
      help: 'Time to answer HTTP requests',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  return { requests, duration };
}

const metrics: FastifyPluginAsync<MetricsOptions> = async (app, options) => {
  const { requests, duration } = requestMetrics(options.registry);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
};

export default fp(metrics, { name: 'rampart-metrics', fastify: '5.x' });
