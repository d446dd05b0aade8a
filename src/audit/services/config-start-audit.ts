/**
 * The `config.start` audit entry (issue 22 item 1, "configuration changes" audited): at each
 * server start, an entry in the `system` org holding the digest of the effective configuration
 * and the names of the configuration keys whose value changed since the last start (`first: true`
 * at the first start) — never a value, secret or not. The entry is recorded first; the state it
 * is compared with (`config_state`) is replaced only once the entry is durable, so a start whose
 * entry cannot be recorded fails and the next start still compares with the last recorded one.
 */
import type { RampartConfig } from '../../kernel/config.js';
import { deriveKey } from '../../kernel/crypto/derive-key.js';
import type { Secret } from '../../kernel/domain/secret.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { ConfigStateStore } from '../ports/config-state-store.js';
import { changedKeys, configDigests } from '../crypto/config-digest.js';

/** What the entry said. */
export interface ConfigStart {
  readonly digest: string;
  readonly changed: readonly string[];
  readonly first: boolean;
}

/** Records `config.start` for `config`, then remembers its digests for the next start. */
export async function recordConfigStart(o: {
  readonly store: ConfigStateStore;
  readonly log: AuditLog;
  readonly config: RampartConfig;
  readonly rootKey: Secret<Buffer>;
  readonly now: number;
}): Promise<ConfigStart> {
  const current = configDigests(o.config, deriveKey(o.rootKey, 'config-digest'));
  const last = await o.store.last();
  const changed = last === undefined ? [] : changedKeys(last.keys, current.keys);
  const first = last === undefined;
  await o.log.record({
    org: SYSTEM_ORG_SLUG,
    actor: { type: 'system', id: null },
    action: 'config.start',
    resource: `config:${current.digest.slice(0, 16)}`,
    result: 'success',
    sourceIp: null,
    requestId: null,
    details: { digest: current.digest, changed, first, ...(last === undefined ? {} : { previous: last.digest }) },
  });
  await o.store.replace(current, o.now);
  return { digest: current.digest, changed, first };
}
