/**
 * Fastify's `childLoggerFactory` for the standalone server: `request.log` without a pino child
 * logger per request. Fastify asks for a child (bound to the request id) for every request; pino
 * builds one by copying its parent and serialising the bindings, which a request that logs
 * nothing — almost every request: the access line is written by the chain without it — pays for
 * in vain. {@link LazyChildLogger} holds the parent and the bindings and makes the real child on
 * the first line a route logs, so a line logged through `request.log` still carries `reqId`.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

function log(logger: FastifyBaseLogger, method: Method, args: unknown[]): void {
  (logger[method] as (...line: unknown[]) => void).apply(logger, args);
}

export class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** The real child, made once. */
  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#real().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  // Methods on the prototype, not closures per instance: the object stays two fields and a pointer.
  fatal(...args: unknown[]): void {
    log(this.#real(), 'fatal', args);
  }

  error(...args: unknown[]): void {
    log(this.#real(), 'error', args);
  }

  warn(...args: unknown[]): void {
    log(this.#real(), 'warn', args);
  }

  info(...args: unknown[]): void {
    log(this.#real(), 'info', args);
  }

  debug(...args: unknown[]): void {
    log(this.#real(), 'debug', args);
  }

  trace(...args: unknown[]): void {
    log(this.#real(), 'trace', args);
  }

  silent(): void {
    // Logs nothing, as pino's own `silent`.
  }
}

/** The factory: a {@link LazyChildLogger} per request. */
export const lazyChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  new LazyChildLogger(logger, bindings, options);
