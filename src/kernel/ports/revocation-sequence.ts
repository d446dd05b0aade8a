/**
 * The durable, ordered record of every revocation the bus spreads (migration 0015). The bus
 * appends before it publishes; an instance that may have missed messages (its subscription went
 * quiet or dropped) reads the positions after the last one it has seen, so nothing published
 * while it was away is lost (docs/decisions/014-revocation-bus-liveness.md).
 */
import type { RevocationEvent } from './revocation-bus.js';

/** A revocation at its position in the sequence. */
export interface SequencedRevocation extends RevocationEvent {
  readonly seq: number;
}

/**
 * Guarantees (test/contract/revocation-sequence.contract.ts checks each, on every adapter):
 * - `append` returns a position greater than every position appended before it resolved;
 * - positions are visible in order: once `after(n)` returns position m, every position between
 *   n and m that will ever exist is returned with it (appends are serialised, so commit order is
 *   position order and no reader can see a later position before an earlier one);
 * - `after` returns at most `limit` revocations, in position order;
 * - `head` is the greatest position appended (0 when none);
 * - `purge(before)` deletes the revocations recorded before `before` and never the newest one, so
 *   `head` does not go back.
 */
export interface RevocationSequence {
  append(event: RevocationEvent, recordedAt: number): Promise<number>;
  after(seq: number, limit: number): Promise<SequencedRevocation[]>;
  head(): Promise<number>;
  /** The smallest position still stored (0 when none): a reader behind it may have lost positions to a purge. */
  oldest(): Promise<number>;
  purge(before: number): Promise<number>;
}
