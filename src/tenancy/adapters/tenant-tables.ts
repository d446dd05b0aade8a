/**
 * Every table that holds one tenant's rows, keyed by an `org_id` column. Deleting an org removes
 * its rows from each of them, in this order (children before parents), in one transaction; then
 * the `orgs` row itself. A table added by a later migration adds its name here — a test
 * (test/integration/org-deletion.test.ts) discovers every table with an `org_id` column from the
 * live schema and fails when one is missing, so a new table cannot be forgotten.
 *
 * On PostgreSQL every one of them is under row-level security (rls-policies.ts; test/security/rls.test.ts
 * checks it on the live schema).
 *
 * The audit log is deliberately absent: it is append-only and deployment-wide, and an org's
 * entries outlive the org (the deletion itself is one of them).
 */
export const TENANT_TABLES: readonly string[] = Object.freeze([
  // 0007-tenancy, 0003-identity
  'org_role_versions',
  'org_roles',
  'memberships',
  // 0010-secrets: versions before the data keys they name; deleting the data keys crypto-shreds the org's secrets.
  'secret_versions',
  'secrets',
  'secret_data_keys',
  // 0009-api-keys-clients: an org's service clients, their revoked tokens, and the keys confined to it.
  'oauth_token_revocations',
  'service_clients',
  'api_keys',
]);

/**
 * Tables with an `org_id` column that are not tenant data and survive an org's deletion. Each
 * entry says why.
 */
export const NON_TENANT_ORG_TABLES: Readonly<Record<string, string>> = Object.freeze({
  audit_entries: 'the audit log is append-only and deployment-wide',
});
