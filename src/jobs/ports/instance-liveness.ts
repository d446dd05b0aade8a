/**
 * Whether the instance that started a job is still alive, without a heartbeat written to the
 * database: an instance holds a lock for as long as it lives (its connection's), and a peer whose
 * lock can be taken is gone. `isGone` never reports a live instance as gone.
 */
export interface InstanceLiveness {
  /** Takes this instance's lock; resolves once it is held. */
  start(): Promise<void>;
  /** Whether `instanceId` (another instance) is gone. */
  isGone(instanceId: string): Promise<boolean>;
  /** Gives the lock up. */
  close(): Promise<void>;
}
