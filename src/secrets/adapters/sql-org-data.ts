/**
 * The secrets' sections of an org's export (`GET /api/v1/orgs/{org}/export`, GDPR Art. 20): each
 * secret's name and version counters, and each version's number and time. Never a value, a
 * ciphertext or a data key: the queries select no such column. Each page is read in the org's
 * tenant transaction (`withTenant`: row-level security on PostgreSQL), filtered by the scope's
 * org as well, in keyset order.
 */
import { Type } from '@sinclair/typebox';
import { isoTime, keysetPage, pairCursor } from '../../kernel/adapters/sql/org-data-page.js';
import { withTenant } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { OrgDataSection } from '../../kernel/part.js';

const Time = Type.String({ format: 'date-time' });

export function secretsOrgData(db: RampartKysely, dialect: SqlDialectName): readonly OrgDataSection[] {
  return [
    {
      key: 'secrets',
      description: "The org's secrets by name: the newest version and the lowest one a reveal accepts (never a value).",
      row: Type.Object(
        {
          name: Type.String(),
          current_version: Type.Integer(),
          min_decryption_version: Type.Integer(),
          created_at: Time,
          updated_at: Time,
        },
        { additionalProperties: false },
      ),
      async page(scope, after, limit) {
        const rows = await withTenant(db, dialect, scope, (trx) => {
          let query = trx
            .selectFrom('secrets')
            .select(['name', 'current_version', 'min_decryption_version', 'created_at', 'updated_at'])
            .where('org_id', '=', scope.orgId);
          if (after !== undefined) query = query.where('name', '>', after);
          return query
            .orderBy('name')
            .limit(limit + 1)
            .execute();
        });
        return keysetPage(
          rows,
          limit,
          (row) => row.name,
          (row) => ({
            name: row.name,
            current_version: Number(row.current_version),
            min_decryption_version: Number(row.min_decryption_version),
            created_at: isoTime(row.created_at),
            updated_at: isoTime(row.updated_at),
          }),
        );
      },
    },
    {
      key: 'secret_versions',
      description: 'Every stored version of each secret: its number and when it was written (never the value or its ciphertext).',
      row: Type.Object({ name: Type.String(), version: Type.Integer(), created_at: Time }, { additionalProperties: false }),
      async page(scope, after, limit) {
        const from = pairCursor.read(after);
        const rows = await withTenant(db, dialect, scope, (trx) => {
          let query = trx.selectFrom('secret_versions').select(['name', 'version', 'created_at']).where('org_id', '=', scope.orgId);
          if (from !== undefined) {
            const [name, version] = from;
            query = query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('version', '>', version)])]));
          }
          return query
            .orderBy('name')
            .orderBy('version')
            .limit(limit + 1)
            .execute();
        });
        return keysetPage(
          rows,
          limit,
          (row) => pairCursor.write(row.name, Number(row.version)),
          (row) => ({ name: row.name, version: Number(row.version), created_at: isoTime(row.created_at) }),
        );
      },
    },
  ];
}
