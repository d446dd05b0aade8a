/**
 * The configuration's state at the last start as Kysely sees it (migration `0034-config-state`),
 * and the {@link ConfigStateStore} over it.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { ConfigState, ConfigStateStore } from '../ports/config-state-store.js';

/** One row, `id = 'last'`: the effective configuration's digest and its per-key keyed digests (JSON object). */
export interface ConfigStateTable {
  id: string;
  digest: string;
  key_digests: string;
  recorded_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    config_state: ConfigStateTable;
  }
}

/** The state of the last start, or `undefined` at the first one. */
async function readConfigState(db: RampartKysely): Promise<ConfigState | undefined> {
  const row = await db.selectFrom('config_state').select(['digest', 'key_digests']).where('id', '=', 'last').executeTakeFirst();
  if (row === undefined) return undefined;
  const parsed: unknown = JSON.parse(row.key_digests);
  const keys: Record<string, string> = {};
  if (parsed !== null && typeof parsed === 'object') {
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') keys[key] = value;
  }
  return { digest: row.digest, keys };
}

/** Replaces the state of the last start (one statement per dialect: insert, or update on conflict). */
async function writeConfigState(db: RampartKysely, state: ConfigState, now: number): Promise<void> {
  const row = { id: 'last', digest: state.digest, key_digests: JSON.stringify(state.keys), recorded_at: now };
  await db
    .insertInto('config_state')
    .values(row)
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ digest: row.digest, key_digests: row.key_digests, recorded_at: now }))
    .execute();
}

/** {@link ConfigStateStore} on the `config_state` table. */
export class SqlConfigStateStore implements ConfigStateStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  last(): Promise<ConfigState | undefined> {
    return readConfigState(this.#db);
  }

  replace(state: ConfigState, now: number): Promise<void> {
    return writeConfigState(this.#db, state, now);
  }
}
