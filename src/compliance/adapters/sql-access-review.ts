/**
 * The access review on SQL (issue 22 item 6): who holds access to one org — its members with their
 * role, second factor and latest activity, its live API keys and service clients with their last
 * use — read in one transaction; and the attestations that a review was done. Reads the tables of
 * identity, tenancy and credentials read-only (one consistent report instead of three paged
 * facades; docs/decisions/037-retention-and-privacy-record.md). A request's work runs in its
 * org's tenant transaction; the operator's CLI (a {@link SystemScope}) in a system transaction,
 * every query still filtered by the org.
 */
import { withSystem, withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { AccessFacts, AccessReviewStore, Attestation, ReviewScope } from '../ports/access-review-store.js';
import type { AccessReviewAttestationTable } from './compliance-tables.js';

/** A stored scopes column: a JSON array of strings, or a space-separated list. */
function scopesOf(text: string | null): string[] {
  if (text === null || text === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.filter((item): item is string => typeof item === 'string');
  } catch {
    // not JSON: the space-separated form
  }
  return text.split(/\s+/).filter((item) => item.length > 0);
}

const num = (value: number | string): number => Number(value);
const numOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

function attestationOf(row: AccessReviewAttestationTable): Attestation {
  return {
    id: row.id,
    orgId: row.org_id,
    reviewedAt: num(row.reviewed_at),
    note: row.note,
    actorType: row.actor_type,
    actorId: row.actor_id,
    createdAt: num(row.created_at),
  };
}

export class SqlAccessReview implements AccessReviewStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  #within<T>(scope: ReviewScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    // The operator's CLI acts on one org from outside any request: a system transaction, filtered by org below.
    if (!('orgSlug' in scope)) return withSystem(this.#database.db, work);
    return withTenant(this.#database.db, this.#database.dialect, scope, work);
  }

  /** The org's id for an id or slug (the CLI's `--org`), or undefined. */
  async findOrg(idOrSlug: string): Promise<string | undefined> {
    // A system transaction: the operator names an org before any scope exists.
    const row = await withSystem(this.#database.db, (trx) =>
      trx
        .selectFrom('orgs')
        .select('id')
        .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
        .executeTakeFirst(),
    );
    return row?.id;
  }

  /** Everyone and everything holding access to the org, at one moment. */
  facts(scope: ReviewScope, now: number): Promise<AccessFacts> {
    const org = scope.orgId;
    return this.#within(scope, async (trx) => {
      const members = await trx
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.user_id', 'm.role', 'm.created_at', 'u.email', 'u.name', 'u.status'])
        .select((eb) => [
          eb
            .exists(
              eb
                .selectFrom('mfa_totp as t')
                .select('t.user_id')
                .whereRef('t.user_id', '=', 'm.user_id')
                .where('t.confirmed_at', 'is not', null),
            )
            .as('totp'),
          eb.exists(eb.selectFrom('passkeys as p').select('p.user_id').whereRef('p.user_id', '=', 'm.user_id')).as('passkey'),
          eb
            .selectFrom('sessions as s')
            .select((s) => s.fn.max('s.last_seen_at').as('at'))
            .whereRef('s.user_id', '=', 'm.user_id')
            .as('last_active_at'),
        ])
        .where('m.org_id', '=', org)
        .orderBy('u.email')
        .execute();
      const keys = await trx
        .selectFrom('api_keys as k')
        .leftJoin('users as u', 'u.id', 'k.user_id')
        .select(['k.id', 'k.name', 'k.prefix', 'k.user_id', 'u.email', 'k.scopes', 'k.created_at', 'k.expires_at', 'k.last_used_at'])
        .where('k.org_id', '=', org)
        .where('k.revoked_at', 'is', null)
        .where((eb) => eb.or([eb('k.expires_at', 'is', null), eb('k.expires_at', '>', now)]))
        .orderBy('k.created_at')
        .orderBy('k.id')
        .execute();
      const clients = await trx
        .selectFrom('service_clients')
        .select(['id', 'name', 'auth_method', 'scopes', 'created_by', 'created_at'])
        .where('org_id', '=', org)
        .where('revoked_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return {
        members: members.map((row) => ({
          userId: row.user_id,
          email: row.email,
          name: row.name,
          role: row.role,
          status: row.status,
          memberSince: num(row.created_at),
          mfa: Boolean(row.totp) || Boolean(row.passkey),
          lastActiveAt: row.last_active_at === null || row.last_active_at === undefined ? null : Number(row.last_active_at),
        })),
        apiKeys: keys.map((row) => ({
          id: row.id,
          name: row.name,
          prefix: row.prefix,
          ownerId: row.user_id,
          ownerEmail: row.email ?? null,
          scopes: scopesOf(row.scopes),
          createdAt: num(row.created_at),
          expiresAt: numOrNull(row.expires_at),
          lastUsedAt: numOrNull(row.last_used_at),
        })),
        serviceClients: clients.map((row) => ({
          id: row.id,
          name: row.name,
          authMethod: row.auth_method,
          scopes: scopesOf(row.scopes),
          createdBy: row.created_by,
          createdAt: num(row.created_at),
        })),
      };
    });
  }

  /** Stores an attestation (kept: never updated). */
  async attest(scope: ReviewScope, attestation: Attestation): Promise<void> {
    await this.#within(scope, (trx) =>
      trx
        .insertInto('access_review_attestations')
        .values({
          id: attestation.id,
          org_id: scope.orgId,
          reviewed_at: attestation.reviewedAt,
          note: attestation.note,
          actor_type: attestation.actorType,
          actor_id: attestation.actorId,
          created_at: attestation.createdAt,
        })
        .execute(),
    );
  }

  /** At most `limit` attestations of the org, newest first, after `after` (`<created_at>:<id>` of the previous page's last). */
  attestations(
    scope: ReviewScope,
    after: { readonly createdAt: number; readonly id: string } | undefined,
    limit: number,
  ): Promise<Attestation[]> {
    return this.#within(scope, async (trx) => {
      let query = trx.selectFrom('access_review_attestations').selectAll().where('org_id', '=', scope.orgId);
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
        );
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(attestationOf);
    });
  }
}
