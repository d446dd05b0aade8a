/**
 * The credentials' sections of an org's export (`GET /api/v1/orgs/{org}/export`, GDPR Art. 20):
 * the API keys confined to the org and its service clients, as metadata. Never a key, a client
 * secret, or a hash of either: the queries select no such column (`key_hash`, `secret_hash`), and
 * a client's registered JWK Set is left out too. Each page is read in the org's tenant
 * transaction (`withTenant`: row-level security on PostgreSQL), filtered by the scope's org as
 * well, in keyset order.
 */
import { Type } from '@sinclair/typebox';
import { isoTime, keysetPage } from '../../kernel/adapters/sql/org-data-page.js';
import { withTenant } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { OrgDataSection } from '../../kernel/part.js';

const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);
const Scopes = Type.Array(Type.String());

function scopesOf(text: string): readonly string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}

const maybeIso = (ms: number | string | null): string | null => (ms === null ? null : isoTime(ms));

export function credentialsOrgData(db: RampartKysely, dialect: SqlDialectName): readonly OrgDataSection[] {
  return [
    {
      key: 'api_keys',
      description: 'API keys confined to the org: name, display prefix, creator, scopes and lifetime (never the key or its hash).',
      row: Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          prefix: Type.String(),
          user_id: Type.String(),
          scopes: Scopes,
          created_at: Time,
          expires_at: MaybeTime,
          last_used_at: MaybeTime,
          revoked_at: MaybeTime,
          replaced_by: Type.Union([Type.String(), Type.Null()]),
        },
        { additionalProperties: false },
      ),
      async page(scope, after, limit) {
        const rows = await withTenant(db, dialect, scope, (trx) => {
          let query = trx
            .selectFrom('api_keys')
            .select(['id', 'name', 'prefix', 'user_id', 'scopes', 'created_at', 'expires_at', 'last_used_at', 'revoked_at', 'replaced_by'])
            .where('org_id', '=', scope.orgId);
          if (after !== undefined) query = query.where('id', '>', after);
          return query
            .orderBy('id')
            .limit(limit + 1)
            .execute();
        });
        return keysetPage(
          rows,
          limit,
          (row) => row.id,
          (row) => ({
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            user_id: row.user_id,
            scopes: scopesOf(row.scopes),
            created_at: isoTime(row.created_at),
            expires_at: maybeIso(row.expires_at),
            last_used_at: maybeIso(row.last_used_at),
            revoked_at: maybeIso(row.revoked_at),
            replaced_by: row.replaced_by,
          }),
        );
      },
    },
    {
      key: 'service_clients',
      description: "The org's OAuth service clients: name, authentication method, scopes, creator (never the client secret or its hash).",
      row: Type.Object(
        {
          client_id: Type.String(),
          name: Type.String(),
          auth_method: Type.String(),
          scopes: Scopes,
          created_by: Type.String(),
          created_at: Time,
          revoked_at: MaybeTime,
        },
        { additionalProperties: false },
      ),
      async page(scope, after, limit) {
        const rows = await withTenant(db, dialect, scope, (trx) => {
          let query = trx
            .selectFrom('service_clients')
            .select(['id', 'name', 'auth_method', 'scopes', 'created_by', 'created_at', 'revoked_at'])
            .where('org_id', '=', scope.orgId);
          if (after !== undefined) query = query.where('id', '>', after);
          return query
            .orderBy('id')
            .limit(limit + 1)
            .execute();
        });
        return keysetPage(
          rows,
          limit,
          (row) => row.id,
          (row) => ({
            client_id: row.id,
            name: row.name,
            auth_method: row.auth_method,
            scopes: scopesOf(row.scopes),
            created_by: row.created_by,
            created_at: isoTime(row.created_at),
            revoked_at: maybeIso(row.revoked_at),
          }),
        );
      },
    },
  ];
}
