/**
 * The scheduled rotation of the access-token signing key (RAMPART_KEY_ROTATION_SCHEDULE=on): every
 * `checkEveryMs` the server looks at the active key's age and, past the rotation period, rotates it
 * (`TokenService.rotate`: the old key keeps verifying while it retires), audited as `keys.rotate`
 * with a `system` actor whose id is `schedule`. Instances sharing a database may both see the key
 * due in the same check: the second rotation is harmless (one more retiring key), and the check
 * re-reads the store right before rotating to keep that rare.
 */
import { auditedChange } from '../../../kernel/audited-change.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SigningKeyStore } from '../ports/signing-key-store.js';
import type { TokenService } from './token-service.js';

export interface KeyRotationScheduleOptions {
  readonly tokens: Pick<TokenService, 'rotate'>;
  readonly store: Pick<SigningKeyStore, 'list'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly periodMs: number;
  readonly onError: (error: unknown) => void;
}

/** The creation time of the newest active signing key, or `undefined` when none is active. */
export async function activeSigningKeyCreatedAt(store: Pick<SigningKeyStore, 'list'>): Promise<number | undefined> {
  const active = (await store.list()).filter((record) => record.state === 'active');
  return active.length === 0 ? undefined : Math.max(...active.map((record) => record.created_at));
}

export class KeyRotationSchedule {
  readonly #o: KeyRotationScheduleOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: KeyRotationScheduleOptions) {
    this.#o = options;
  }

  /** One check: rotates when the active key is past the period; resolves with the new key id, if any. */
  async tick(): Promise<string | undefined> {
    const created = await activeSigningKeyCreatedAt(this.#o.store);
    const now = this.#o.clock.now();
    if (created !== undefined && now - created < this.#o.periodMs) return undefined;
    const ageDays = created === undefined ? null : Math.floor((now - created) / 86_400_000);
    return auditedChange(
      this.#o.audit,
      {
        org: SYSTEM_ORG_SLUG,
        actor: { type: 'system', id: 'schedule' },
        action: 'keys.rotate',
        resource: 'signing-keys:access-tokens',
        result: 'success',
        sourceIp: null,
        requestId: null,
        details: { purpose: 'access-tokens', trigger: 'schedule', age_days: ageDays },
      },
      () => this.#o.tokens.rotate(),
    );
  }

  /** Checks every `checkEveryMs` (unref'd: it never keeps the process alive). */
  start(checkEveryMs: number): void {
    this.#timer = setInterval(() => {
      this.tick().catch(this.#o.onError);
    }, checkEveryMs);
    this.#timer.unref();
  }

  close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    return Promise.resolve();
  }
}
