/**
 * Where the configuration's digests of the last start are kept (migration 0034, `config_state`),
 * for the `config.start` audit entry to name what changed.
 */

/** The effective configuration's digest and, per configuration key, its keyed digest. */
export interface ConfigState {
  readonly digest: string;
  readonly keys: Readonly<Record<string, string>>;
}

/**
 * Guarantees: `last` answers what the latest `replace` stored (`undefined` before the first);
 * `replace` is one atomic statement (an upsert), so concurrent starts leave one whole state.
 */
export interface ConfigStateStore {
  last(): Promise<ConfigState | undefined>;
  replace(state: ConfigState, now: number): Promise<void>;
}
