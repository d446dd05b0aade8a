/**
 * A value that must never be printed. `JSON.stringify`, template strings, `String()` and
 * `util.inspect` (and so every logger) see `[redacted]`; only {@link Secret.reveal} gives the
 * value, so every place that handles the clear value is one grep away.
 */
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export const REDACTED = '[redacted]';

export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The clear value. Call it at the last moment, never to log or return it. */
  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspectSymbol](): string {
    return REDACTED;
  }
}

/** Wraps a value as a {@link Secret}. */
export function secret<T>(value: T): Secret<T> {
  return new Secret(value);
}
