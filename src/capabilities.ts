/**
 * The capabilities, in composition order: the one list a new capability is added to. A
 * capability may use only those before it (lint: `eslint.config.js` generates its boundary rules
 * from this same order), so the order is also the dependency order:
 *
 *   kernel ← audit, secrets ← mail ← identity ← tenancy ← credentials ← my-data ← federation ←
 *   passkeys ← signing ← licences ← jobs ← webhooks ← backups ← compliance
 *
 * `createRampart` composes them in this order and closes them in reverse; the CLI adds their
 * commands; org deletion removes the rows of their tenant tables.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SEALED_ROOT_FILE } from './kernel/custody/sealed-root-file.js';
import { audit } from './audit/index.js';
import { backups } from './backups/index.js';
import { compliance } from './compliance/index.js';
import { credentials } from './credentials/index.js';
import { federation } from './federation/index.js';
import { identity } from './identity/index.js';
import { jobs } from './jobs/index.js';
import { licences } from './licences/index.js';
import { mail } from './mail/index.js';
import type { RampartConfig } from './kernel/config.js';
import type { EventType } from './kernel/domain/events.js';
import type { Capability, CapabilityName, PrivacyDeclarations } from './kernel/part.js';
import { myData } from './my-data/index.js';
import { passkeys } from './passkeys/index.js';
import { secrets } from './secrets/index.js';
import { signing } from './signing/index.js';
import { tenancy } from './tenancy/index.js';
import { webhooks } from './webhooks/index.js';

export const CAPABILITIES: readonly Capability<CapabilityName>[] = Object.freeze([
  audit,
  secrets,
  mail,
  identity,
  tenancy,
  credentials,
  myData,
  federation,
  passkeys,
  signing,
  licences,
  jobs,
  webhooks,
  backups,
  compliance,
]);

/** Every table whose rows belong to one org, deleted with it: the kernel's, then each capability's list, in composition order. */
/**
 * The kernel's own tenant table: the event outbox (migration 0016). An org's undelivered events
 * go with it; its subscribers (webhook endpoints) are its tenant rows too.
 */
const KERNEL_TENANT_TABLES: readonly string[] = ['event_outbox'];

export const TENANT_TABLES: readonly string[] = Object.freeze([
  ...KERNEL_TENANT_TABLES,
  ...CAPABILITIES.flatMap((capability) => capability.tenantTables ?? []),
]);

/** Every event type a capability emits: the webhooks' catalogue (the OpenAPI enum). */
export const EVENT_TYPES: readonly EventType[] = Object.freeze(CAPABILITIES.flatMap((capability) => capability.eventTypes ?? []));

/** Tables with an `org_id` column that outlive the org, each with the reason its capability gives. */
export const KEPT_ORG_TABLES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign({}, ...CAPABILITIES.map((capability) => capability.keptOrgTables ?? {})) as Record<string, string>,
);

/** The data-directory files the capabilities add to a backup (`Capability.backup`), beyond the database. */
export function backupFilesOf(config: RampartConfig): readonly string[] {
  // Under token custody the root of every key exists only sealed by the token: a backup without
  // it could not be opened, even with the token (src/kernel/custody/sealed-root-file.ts).
  const custody = existsSync(join(config.dataDir, SEALED_ROOT_FILE)) ? [SEALED_ROOT_FILE] : [];
  return [...custody, ...CAPABILITIES.flatMap((capability) => capability.backup?.files?.(config) ?? [])];
}

/**
 * Every capability's retention rules and processing activities (issue 22 item 2): what the
 * compliance capability purges and renders as the record of processing (GDPR Art. 30).
 */
export const PRIVACY_DECLARATIONS: PrivacyDeclarations = Object.freeze({
  retention: Object.freeze(CAPABILITIES.flatMap((capability) => capability.retention ?? [])),
  processing: Object.freeze(CAPABILITIES.flatMap((capability) => capability.privacy ?? [])),
});
