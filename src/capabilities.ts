/**
 * The capabilities, in composition order: the one list a new capability is added to. A
 * capability may use only those before it (lint: `eslint.config.js` generates its boundary rules
 * from this same order), so the order is also the dependency order:
 *
 *   kernel ← audit, secrets ← identity ← tenancy ← credentials ← my-data
 *
 * `createRampart` composes them in this order and closes them in reverse; the CLI adds their
 * commands; org deletion removes the rows of their tenant tables.
 */
import { audit } from './audit/index.js';
import { credentials } from './credentials/index.js';
import { identity } from './identity/index.js';
import type { Capability, CapabilityName } from './kernel/part.js';
import { myData } from './my-data/index.js';
import { secrets } from './secrets/index.js';
import { tenancy } from './tenancy/index.js';

export const CAPABILITIES: readonly Capability<CapabilityName>[] = Object.freeze([audit, secrets, identity, tenancy, credentials, myData]);

/** Every table whose rows belong to one org, deleted with it: each capability's list, in composition order. */
export const TENANT_TABLES: readonly string[] = Object.freeze(CAPABILITIES.flatMap((capability) => capability.tenantTables ?? []));

/** Tables with an `org_id` column that outlive the org, each with the reason its capability gives. */
export const KEPT_ORG_TABLES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign({}, ...CAPABILITIES.map((capability) => capability.keptOrgTables ?? {})) as Record<string, string>,
);
