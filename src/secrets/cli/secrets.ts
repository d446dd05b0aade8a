/**
 * `rampart secrets …`: key management of the secrets (issue 7) that runs beside live servers.
 * - `rotate-data-keys [--org <org id>]`: retires the active data key of every org (or one); the
 *   next write of each org creates a fresh one. Instances holding a reservation on the old key use
 *   it for at most one reservation block (secrets/services/secret-service.ts).
 * - `rewrap`: re-seals every version stored under a retired data key under its org's active key,
 *   then deletes the retired keys nothing refers to any more. Resumable: each version is a
 *   compare-and-set.
 * - `min-version <org id> <name> <version>`: sets `min_decryption_version` (Vault KV): older
 *   versions are refused by reveal from then on.
 * Each run is audited (`secrets.*` actions, actor `system`).
 */
import { prepareDataDirectory } from '../../kernel/adapters/fs/data-directory.js';
import { createLogger } from '../../kernel/adapters/log/pino-logger.js';
import { migrateToLatest, openDatabase } from '../../kernel/adapters/sql/sql-database.js';
import { composeAudit, type Auditing } from '../../audit/index.js';
import { composeSecrets, type Secrets } from '../compose.js';
import { systemScope } from '../domain/system-scope.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import { systemClock } from '../../kernel/ports/clock.js';
import type { Output } from '../../kernel/cli/output.js';

async function withSecrets(config: RampartConfig, work: (secrets: Secrets, auditing: Auditing) => Promise<number>): Promise<number> {
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  let auditing: Auditing | undefined;
  let secrets: Secrets | undefined;
  try {
    await migrateToLatest(database);
    auditing = await composeAudit(config, database, systemClock, logger);
    secrets = composeSecrets({ config, database, clock: systemClock, audit: auditing.log, logger });
    return await work(secrets, auditing);
  } finally {
    await secrets?.close();
    await auditing?.close();
    await database.close();
  }
}

function systemEvent(action: AuditAction, resource: string, details: Readonly<Record<string, unknown>>) {
  return {
    org: SYSTEM_ORG_SLUG,
    actor: { type: 'system' as const, id: null },
    action,
    resource,
    result: 'success' as const,
    sourceIp: null,
    requestId: null,
    details,
  };
}

export async function runSecretsRotateDataKeys(config: RampartConfig, out: Output, org: string | undefined): Promise<number> {
  return withSecrets(config, async (secrets, auditing) => {
    // The operator acts on each org: the one place, with min-version below, that mints a system scope.
    const orgs = org === undefined ? await secrets.dataKeys.orgsWithActive() : [org];
    const rotated = await secrets.service.rotateDataKeys(orgs.map((id) => systemScope(id)));
    await auditing.log.record(systemEvent('secrets.data_keys.rotate', org === undefined ? 'data-keys:*' : `data-keys:${org}`, { rotated }));
    out.result(
      { rotated },
      `retired ${rotated} active data key(s); each org's next write creates a new one (run rewrap to move old versions)`,
    );
    return 0;
  });
}

export async function runSecretsRewrap(config: RampartConfig, out: Output): Promise<number> {
  return withSecrets(config, async (secrets, auditing) => {
    const skipped = new Set<string>();
    let rewrapped = 0;
    let failed = 0;
    for (;;) {
      const batch = (await secrets.dataKeys.staleVersions(200 + skipped.size)).filter(
        (version) => !skipped.has(`${version.orgId}\0${version.name}\0${version.version}`),
      );
      if (batch.length === 0) break;
      for (const version of batch) {
        try {
          if (await secrets.service.rewrap(systemScope(version.orgId), version)) rewrapped += 1;
        } catch (error) {
          if (!(error instanceof Error) || !('code' in error) || error.code !== 'secret_integrity_failed') throw error;
          skipped.add(`${version.orgId}\0${version.name}\0${version.version}`);
          failed += 1;
        }
      }
      out.progress(rewrapped, rewrapped + batch.length, 'versions rewrapped under their org’s newest data key');
    }
    const deleted = await secrets.dataKeys.deleteUnused();
    await auditing.log.record(systemEvent('secrets.rewrap', 'secret-versions:*', { rewrapped, failed, data_keys_deleted: deleted }));
    out.result(
      { rewrapped, failed, data_keys_deleted: deleted },
      `rewrapped ${rewrapped} version(s)${failed === 0 ? '' : `, ${failed} failed their integrity check`}; deleted ${deleted} unused retired data key(s)`,
    );
    return failed === 0 ? 0 : 1;
  });
}

export async function runSecretsMinVersion(
  config: RampartConfig,
  out: Output,
  org: string,
  name: string,
  version: number,
): Promise<number> {
  return withSecrets(config, async (secrets) => {
    await secrets.service.setMinDecryptionVersion(systemScope(org), name, version, undefined);
    out.result({ org, name, min_decryption_version: version }, `${name}: versions below ${version} can no longer be revealed`);
    return 0;
  });
}
