/**
 * The request metrics (src/kernel/http/chain/metrics.ts) keep their own series instead of
 * prom-client's labelled children: what `/metrics` shows must be exactly what prom-client's own
 * Counter and Histogram show for the same answers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricsObserver } from '../../src/kernel/http/chain/metrics.js';

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Answer {
  readonly config: { url?: string };
  readonly method: string;
  readonly status: number;
  readonly ms: number;
}

function observeAll(registry: Registry, answers: readonly Answer[]): void {
  const observe = metricsObserver({ registry });
  for (const answer of answers) {
    const request = { routeConfig: answer.config, method: answer.method } as unknown as FastifyRequest;
    const reply = { statusCode: answer.status, elapsedTime: answer.ms } as unknown as FastifyReply;
    observe(request, reply);
  }
}

function referenceOf(answers: readonly Answer[]): Registry {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'rampart_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'rampart_http_request_duration_seconds',
    help: 'Time to answer HTTP requests',
    labelNames,
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const answer of answers) {
    const labels = { method: answer.method, route: answer.config.url ?? 'unmatched', status: String(answer.status) };
    requests.inc(labels);
    duration.observe(labels, answer.ms / 1000);
  }
  return registry;
}

const me = { url: '/api/v1/me' };
const healthz = { url: '/healthz' };
const unmatched = {};
const ANSWERS: readonly Answer[] = [
  { config: me, method: 'GET', status: 200, ms: 0.4 },
  { config: me, method: 'GET', status: 200, ms: 3.2 },
  { config: me, method: 'GET', status: 401, ms: 1 },
  { config: me, method: 'PATCH', status: 200, ms: 12.5 },
  { config: healthz, method: 'GET', status: 200, ms: 0.05 },
  { config: healthz, method: 'GET', status: 200, ms: 5000 },
  { config: healthz, method: 'GET', status: 200, ms: 7300 },
  { config: unmatched, method: 'GET', status: 404, ms: 2.5 },
  { config: unmatched, method: 'POST', status: 404, ms: 250 },
];

describe('perf 1: request metrics without a label hash per request', () => {
  it('perf 1: /metrics reads exactly as prom-client’s own counter and histogram fed the same answers', async () => {
    const ours = new Registry();
    observeAll(ours, ANSWERS);
    expect(await ours.metrics()).toBe(await referenceOf(ANSWERS).metrics());
    // The JSON form too, but for the exemplars this histogram does not keep (prom-client reports `null`).
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((metric) => ({
        ...metric,
        values: metric.values.map((value) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'exemplar'))),
      }));
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await referenceOf(ANSWERS).getMetricsAsJSON()));
  });

  it('perf 1: two observers of one registry (Rampart mounted twice) add to the same series', async () => {
    const ours = new Registry();
    observeAll(ours, ANSWERS.slice(0, 4));
    observeAll(ours, ANSWERS.slice(4));
    expect(await ours.metrics()).toBe(await referenceOf(ANSWERS).metrics());
  });

  it('perf 1: resetting the registry zeroes the series, and counting starts again', async () => {
    const ours = new Registry();
    observeAll(ours, ANSWERS);
    ours.resetMetrics();
    expect(await ours.getSingleMetricAsString('rampart_http_requests_total')).not.toContain('route=');
    observeAll(ours, ANSWERS.slice(0, 2));
    expect(await ours.metrics()).toBe(await referenceOf(ANSWERS.slice(0, 2)).metrics());
  });
});
