/**
 * Request metrics for `/metrics` (prom-client): a counter and a latency histogram by method,
 * route pattern (never the raw path, so cardinality stays bounded) and status. An observer of the
 * request pass's `onResponse` (request-pass.ts).
 */
import type { FastifyContextConfig } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ResponseObserver } from './request-pass.js';

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

interface Children {
  readonly counter: { inc(): void };
  readonly histogram: { observe(seconds: number): void };
}

/** The observer: updates the labelled children resolved once per route, method and status. */
export function metricsObserver(options: MetricsOptions): ResponseObserver {
  const { requests, duration } = requestMetrics(options.registry);
  // prom-client hashes a label object on every update; the labelled children are resolved once
  // and kept by the route's own config object (one per route; the unmatched share one), then by
  // method and status: no label string is built per request. Bounded: routes × methods × statuses.
  const byRoute = new WeakMap<FastifyContextConfig, Map<string, Map<number, Children>>>();
  return (request, reply) => {
    const config = request.routeConfig;
    let byMethod = byRoute.get(config);
    if (byMethod === undefined) {
      byMethod = new Map();
      byRoute.set(config, byMethod);
    }
    let byStatus = byMethod.get(request.method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(request.method, byStatus);
    }
    const status = reply.statusCode;
    let children = byStatus.get(status);
    if (children === undefined) {
      const route = config.url ?? 'unmatched';
      children = {
        counter: requests.labels(request.method, route, String(status)),
        histogram: duration.labels(request.method, route, String(status)),
      };
      byStatus.set(status, children);
    }
    children.counter.inc();
    children.histogram.observe(reply.elapsedTime / 1000);
  };
}
