/**
 * The outbox port: durable storage of queued messages and the claims that make one worker, among
 * all instances, the only one sending a given message at a time.
 */

export type MailStatus = 'pending' | 'sending' | 'sent' | 'dead';

export interface NewOutboxMail {
  readonly id: string;
  readonly orgId: string | null;
  readonly template: string;
  readonly sealed: string;
  readonly now: number;
}

/** A message a worker has claimed: only it may record the outcome, with `claimId`. */
export interface ClaimedMail {
  readonly id: string;
  readonly orgId: string | null;
  readonly template: string;
  readonly sealed: string;
  /** Attempts including this one. */
  readonly attempts: number;
  readonly claimId: string;
}

export interface MailOutbox {
  insert(mail: NewOutboxMail): Promise<void>;
  /** Ids of at most `limit` messages due at `now` (pending and due, or claimed by a worker whose lease ran out). */
  due(now: number, limit: number): Promise<readonly string[]>;
  /** Claims `id` for `leaseMs` if it is still due (a guarded UPDATE); `undefined` when another worker has it. */
  claim(id: string, claimId: string, now: number, leaseMs: number): Promise<ClaimedMail | undefined>;
  /** Sent: the sealed body goes at once; `false` when the claim was lost. */
  sent(claim: ClaimedMail, now: number): Promise<boolean>;
  /** Failed, to be tried again at `nextAttemptAt`. */
  retry(claim: ClaimedMail, code: string, nextAttemptAt: number, now: number): Promise<boolean>;
  /** Given up: the sealed body goes at once. */
  dead(claim: ClaimedMail, code: string, now: number): Promise<boolean>;
  /** When the next pending message is due; `undefined` when none waits. */
  nextDue(): Promise<number | undefined>;
  /**
   * Deletes sent and given-up messages last changed before `before`, and any message queued before
   * it (mail that could not be sent within the retention: no server configured); resolves with how many.
   */
  purge(before: number): Promise<number>;
}
