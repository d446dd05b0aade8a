/**
 * The time source of the crypto wrappers. It has the shape of the `Clock` port, which crypto may
 * not import (layer rule): any `Clock` is accepted as is, by structural typing.
 */
export interface CryptoClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
