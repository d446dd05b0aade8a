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
  // prom-client hashes a label object on every update; the labelled children are cached instead
  // (bounded: route patterns × methods × statuses).
  const children = new Map<string, { count: () => void; observe: (seconds: number) => void }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const key = `${request.method} ${status} ${route}`;
    let child = children.get(key);
    if (child === undefined) {
      const counter = requests.labels(request.method, route, status);
      const histogram = duration.labels(request.method, route, status);
      child = { count: () => counter.inc(), observe: (seconds) => histogram.observe(seconds) };
      children.set(key, child);
    }
    child.count();
    child.observe(reply.elapsedTime / 1000);
    done();
  });
};

export default fp(metrics, { name: 'rampart-metrics', fastify: '5.x', dependencies: [] });
