/**
 * KEK rotation without downtime (`rampart keys rotate-kek`, issue 7 item 3).
 *
 * 1. Unless a rotation is already under way (a `retiring` KEK exists), a new KEK is created where
 *    the source keeps keys (derived, or generated in the PKCS#11 token) and recorded as `active`;
 *    the previous one becomes `retiring` in the same transaction. From then on new data keys are
 *    wrapped under the new KEK (data-key creation checks that its KEK is still active).
 * 2. Every data key not under the active KEK is unwrapped and rewrapped, one compare-and-set
 *    update per key: a crash at any point leaves each key wrapped under either KEK, and both
 *    unwrap while the old one is `retiring`. The servers keep serving: the data key bytes do not
 *    change, so their caches stay valid.
 * 3. The same for the wrapped material of every registered {@link KekHolder} (a later capability's,
 *    e.g. the signing keyring's seeds): each item not under the active KEK is unwrapped and
 *    rewrapped under it with the holder's own AAD, compare-and-set per item.
 * 4. A `retiring` KEK that no data key and no holder refers to is `retired`, then its material is
 *    destroyed (a token object; nothing for a derived KEK). A retired KEK's material is destroyed
 *    only while no holder refers to it either. Running the command again after a crash resumes at
 *    step 2 (or 3, 4) and finishes.
 * 5. With an audit log, the outcome is recorded as `secrets.kek.rotate` in the `system` org.
 */
import { randomToken } from '../../kernel/crypto/random.js';
import { dataKeyAad } from '../crypto/envelope.js';
import { SecretIntegrityError } from '../domain/secret-integrity.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { KekHolders, RewrapOne } from '../ports/kek-holder.js';
import { KekHolderRegistry } from './kek-holders.js';
import type { KekProvider } from '../ports/kek.js';
import type { DataKeyRewrap, KekRegistry } from '../ports/kek-registry.js';

export interface KekRotationProgress {
  readonly kek: string;
  readonly done: number;
  readonly total: number;
}

export interface KekRotationResult {
  /** The KEK every data key is now wrapped under. */
  readonly kek: string;
  /** Whether this run continued an interrupted rotation instead of starting one. */
  readonly resumed: boolean;
  /** Data keys rewrapped by this run. */
  readonly rewrapped: number;
  /** Data keys and holders' items that failed authentication and were left under their KEK (which then stays `retiring`). */
  readonly failed: number;
  /** Per registered holder (by name): its items rewrapped and failed by this run. */
  readonly holders: Readonly<Record<string, { readonly rewrapped: number; readonly failed: number }>>;
  readonly retired: readonly string[];
}

export interface KekStatus {
  readonly source: string;
  readonly active: string | undefined;
  readonly retiring: readonly string[];
  readonly retired: number;
  /** Data keys per KEK id. */
  readonly dataKeys: Readonly<Record<string, number>>;
}

const BATCH = 200;

export class KekRotation {
  readonly #registry: KekRegistry;
  readonly #kek: KekProvider;
  readonly #clock: Clock;
  readonly #holders: KekHolders;
  readonly #audit: AuditLog | undefined;

  /** `holders`: the registry later capabilities fill; `audit`: where the outcome of a rotation is recorded. */
  constructor(registry: KekRegistry, kek: KekProvider, clock: Clock, holders: KekHolders = new KekHolderRegistry(), audit?: AuditLog) {
    this.#registry = registry;
    this.#kek = kek;
    this.#clock = clock;
    this.#holders = holders;
    this.#audit = audit;
  }

  async status(): Promise<KekStatus> {
    const keks = await this.#registry.keks();
    return {
      source: this.#kek.source,
      active: keks.find((kek) => kek.state === 'active')?.id,
      retiring: keks.filter((kek) => kek.state === 'retiring').map((kek) => kek.id),
      retired: keks.filter((kek) => kek.state === 'retired').length,
      dataKeys: await this.#registry.dataKeyCounts(),
    };
  }

  async rotate(onProgress: (progress: KekRotationProgress) => void = () => undefined): Promise<KekRotationResult> {
    let keks = await this.#registry.keks();
    let active = keks.find((kek) => kek.state === 'active');
    const resumed = active !== undefined && keks.some((kek) => kek.state === 'retiring');
    if (!resumed) {
      const id = `kek_${randomToken(16)}`;
      await this.#kek.create(id);
      await this.#registry.addKek(id, this.#kek.source, this.#clock.now());
      keks = await this.#registry.keks();
      active = keks.find((kek) => kek.state === 'active');
    }
    if (active === undefined) throw new Error('no active KEK after creating one');
    const target = active.id;
    // The new KEK must be usable before anything is moved onto it (a resumed run on another token fails here).
    if (!(await this.#kek.has(target))) throw new Error(`the material of KEK ${target} is missing from the ${this.#kek.source} source`);

    const counts = await this.#registry.dataKeyCounts();
    const total = Object.entries(counts).reduce((sum, [kek, count]) => (kek === target ? sum : sum + count), 0);
    let done = 0;
    let failed = 0;
    const skip = new Set<string>();
    onProgress({ kek: target, done, total });
    for (;;) {
      const batch = (await this.#registry.dataKeysNotUnder(target, BATCH + skip.size)).filter((key) => !skip.has(key.id));
      if (batch.length === 0) break;
      const rewraps: DataKeyRewrap[] = [];
      for (const key of batch) {
        const aad = dataKeyAad(key.orgId, key.id);
        try {
          const clear = await this.#kek.unwrap(key.kekId, key.wrapped, aad);
          rewraps.push({ id: key.id, fromKekId: key.kekId, toKekId: target, wrapped: await this.#kek.wrap(target, clear, aad) });
        } catch (error) {
          if (!(error instanceof SecretIntegrityError)) throw error;
          skip.add(key.id);
          failed += 1;
        }
      }
      // One transaction per batch, each key compare-and-set: a crash leaves whole batches moved or not.
      done += await this.#registry.rewrapDataKeys(rewraps);
      onProgress({ kek: target, done, total: Math.max(total, done) });
    }

    const holders: Record<string, { rewrapped: number; failed: number }> = {};
    for (const holder of this.#holders.list()) {
      const moved = await holder.rewrap(target, this.#rewrapOne(target));
      holders[holder.name] = { rewrapped: moved.rewrapped, failed: moved.failed };
      failed += moved.failed;
    }

    const retired: string[] = [];
    for (const kek of await this.#registry.keks()) {
      if (kek.state === 'active' || (await this.#heldByAHolder(kek.id))) continue;
      if (kek.state === 'retiring' && (await this.#registry.retireKek(kek.id, this.#clock.now()))) retired.push(kek.id);
      // Destroy after the row says retired, and while no holder needs it (checked again: a seed
      // wrapped under it meanwhile keeps it); a crash in between is finished by the next run.
      if ((kek.state === 'retired' || retired.includes(kek.id)) && !(await this.#heldByAHolder(kek.id))) await this.#kek.destroy(kek.id);
    }
    const result: KekRotationResult = { kek: target, resumed, rewrapped: done, failed, holders, retired };
    await this.#record(result);
    return result;
  }

  #rewrapOne(target: string): RewrapOne {
    return async (fromKekId, wrapped, aad) => {
      try {
        const clear = await this.#kek.unwrap(fromKekId, wrapped, aad);
        return await this.#kek.wrap(target, clear, aad);
      } catch (error) {
        if (!(error instanceof SecretIntegrityError)) throw error;
        return undefined;
      }
    };
  }

  async #heldByAHolder(kekId: string): Promise<boolean> {
    for (const holder of this.#holders.list()) if ((await holder.referencesTo(kekId)) > 0) return true;
    return false;
  }

  async #record(result: KekRotationResult): Promise<void> {
    if (this.#audit === undefined) return;
    await this.#audit.record({
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'system', id: null },
      action: 'secrets.kek.rotate',
      resource: `kek:${result.kek}`,
      result: result.failed === 0 ? 'success' : 'failure',
      ...(result.failed === 0 ? {} : { reason: 'data_keys_failed_integrity' }),
      sourceIp: null,
      requestId: null,
      details: {
        source: this.#kek.source,
        resumed: result.resumed,
        rewrapped: result.rewrapped,
        failed: result.failed,
        holders: result.holders,
        retired: [...result.retired],
      },
    });
  }
}
