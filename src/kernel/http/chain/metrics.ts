/**
 * Request metrics for `/metrics` (prom-client): a counter and a latency histogram by method,
 * route pattern (never the raw path, so cardinality stays bounded) and status. An observer of the
 * request pass's `onResponse` (request-pass.ts).
 *
 * prom-client builds a label object and a hash string on every update, even through a labelled
 * child. Here a request only adds to plain numbers: one {@link Series} per route, method and
 * status, found through the route's own config object (one per route; the unmatched share one)
 * and two small maps. The registry reads the series when it is scraped: the counter and the
 * histogram are prom-client metrics whose `get` reports them, so `/metrics`, its format and
 * `Registry.resetMetrics()` behave as for any other metric.
 */
import type { FastifyContextConfig } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ResponseObserver } from './request-pass.js';

export interface MetricsOptions {
  readonly registry: Registry;
}

type Labels = 'method' | 'route' | 'status';
type LabelSet = Readonly<Record<Labels, string>>;
const LABEL_NAMES = ['method', 'route', 'status'] as const;
const REQUESTS = 'rampart_http_requests_total';
const DURATION = 'rampart_http_request_duration_seconds';
/** Upper bounds of the latency buckets, in seconds. */
const BOUNDS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The answers of one route, method and status. */
class Series {
  readonly labels: LabelSet;
  count = 0;
  /** Seconds, summed. */
  sum = 0;
  /** Answers per bucket, not cumulative; the last slot is over the largest bound. */
  readonly buckets = new Float64Array(BOUNDS.length + 1);

  constructor(labels: LabelSet) {
    this.labels = labels;
  }

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let slot = 0;
    while (slot < BOUNDS.length && seconds > (BOUNDS[slot] as number)) slot++;
    this.buckets[slot] = (this.buckets[slot] ?? 0) + 1;
  }
}

/** Every series of one registry: what the counter and the histogram report. */
class SeriesStore {
  readonly #all: Series[] = [];
  readonly #byKey = new Map<string, Series>();

  /** The series of `labels`, made on first use (several observers of one registry share it). */
  series(labels: LabelSet): Series {
    const key = `${labels.method} ${labels.route} ${labels.status}`;
    let series = this.#byKey.get(key);
    if (series === undefined) {
      series = new Series(labels);
      this.#byKey.set(key, series);
      this.#all.push(series);
    }
    return series;
  }

  get all(): readonly Series[] {
    return this.#all;
  }

  reset(): void {
    for (const series of this.#all) {
      series.count = 0;
      series.sum = 0;
      series.buckets.fill(0);
    }
  }
}

interface Reported<L extends string> {
  readonly value: number;
  readonly labels: Partial<Record<L, string | number>>;
  readonly metricName?: string;
}

/**
 * A metric's report in prom-client's shape (what its own `get` resolves). The declared type names
 * `MetricType`, an enum the package declares but does not export at runtime: the literal is cast.
 */
function report<R>(name: string, help: string, type: 'counter' | 'histogram', values: readonly Reported<string>[]): Promise<R> {
  return Promise.resolve({ name, help, type, aggregator: 'sum', values } as unknown as R);
}

/** `rampart_http_requests_total`, read from the store. */
class RequestCounter extends Counter<Labels> {
  readonly #store: SeriesStore;

  constructor(store: SeriesStore, registry: Registry) {
    super({ name: REQUESTS, help: 'HTTP requests answered', labelNames: LABEL_NAMES, registers: [registry] });
    this.#store = store;
  }

  override get(): ReturnType<Counter<Labels>['get']> {
    const values: Reported<Labels>[] = this.#store.all.filter((s) => s.count > 0).map((s) => ({ value: s.count, labels: { ...s.labels } }));
    return report(REQUESTS, 'HTTP requests answered', 'counter', values);
  }

  override reset(): void {
    // prom-client's constructor resets the metric before this class has its store.
    if (#store in this) this.#store.reset();
  }
}

/** `rampart_http_request_duration_seconds`, read from the store. */
class RequestDuration extends Histogram<Labels> {
  readonly #store: SeriesStore;

  constructor(store: SeriesStore, registry: Registry) {
    super({ name: DURATION, help: 'Time to answer HTTP requests', labelNames: LABEL_NAMES, buckets: [...BOUNDS], registers: [registry] });
    this.#store = store;
  }

  override get(): ReturnType<Histogram<Labels>['get']> {
    const values: Reported<Labels | 'le'>[] = [];
    for (const series of this.#store.all) {
      if (series.count === 0) continue;
      let cumulative = 0;
      BOUNDS.forEach((bound, slot) => {
        cumulative += series.buckets[slot] as number;
        values.push({ value: cumulative, labels: { le: bound, ...series.labels }, metricName: `${DURATION}_bucket` });
      });
      values.push({ value: series.count, labels: { le: '+Inf', ...series.labels }, metricName: `${DURATION}_bucket` });
      values.push({ value: series.sum, labels: { ...series.labels }, metricName: `${DURATION}_sum` });
      values.push({ value: series.count, labels: { ...series.labels }, metricName: `${DURATION}_count` });
    }
    return report(DURATION, 'Time to answer HTTP requests', 'histogram', values);
  }

  /** What the registry reads for the text format (prom-client's Histogram has its own; ours is {@link get}). */
  getForPromString(): ReturnType<Histogram<Labels>['get']> {
    return this.get();
  }

  override reset(): void {
    // prom-client's constructor resets the metric before this class has its store.
    if (#store in this) this.#store.reset();
  }
}

/** The store of a registry, created once: one Rampart may be mounted in several apps. */
const STORES = new WeakMap<Registry, SeriesStore>();

function storeOf(registry: Registry): SeriesStore {
  let store = STORES.get(registry);
  if (store === undefined) {
    store = new SeriesStore();
    new RequestCounter(store, registry);
    new RequestDuration(store, registry);
    STORES.set(registry, store);
  }
  return store;
}

/** The observer: adds each answer to its series, resolved once per route, method and status. */
export function metricsObserver(options: MetricsOptions): ResponseObserver {
  const store = storeOf(options.registry);
  // Bounded: routes × methods × statuses.
  const byRoute = new WeakMap<FastifyContextConfig, Map<string, Map<number, Series>>>();
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
    let series = byStatus.get(status);
    if (series === undefined) {
      series = store.series({ method: request.method, route: config.url ?? 'unmatched', status: String(status) });
      byStatus.set(status, series);
    }
    series.observe(reply.elapsedTime / 1000);
  };
}
