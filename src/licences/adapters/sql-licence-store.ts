/**
 * {@link LicenceStore} on the shared database. Tenant methods run through `withTenant` (row-level
 * security on PostgreSQL, an explicit `org_id` filter everywhere). The public path — a key
 * presented for activation, a token presented for a check — runs through `withSystem`, since the
 * licence's org is known only once its row is found; each such method says so.
 *
 * Activation is atomic per licence: on PostgreSQL the transaction locks the licence's row
 * (`SELECT … FOR UPDATE`) before it counts the live activations, so concurrent activations of one
 * licence run one after the other; SQLite has a single writer already. The partial unique index
 * of migration 0021 backs the "one live activation per installation" rule.
 */
import { appendEvent } from '../../kernel/events/event-outbox.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { withSystem, withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { Activation, Licence, StoredLicence } from '../domain/licence.js';
import type { ActivationCheck, ActivationOutcome, LicenceStore, NewLicence } from '../ports/licence-store.js';
import type { LicenceActivationTable, LicenceTable } from './licence-tables.js';

function features(text: string): readonly string[] {
  const parsed: unknown = JSON.parse(text);
  return Object.freeze(Array.isArray(parsed) ? parsed.filter((f): f is string => typeof f === 'string') : []);
}

function toLicence(row: LicenceTable, activationsInUse?: number): StoredLicence {
  return Object.freeze({
    id: row.id,
    orgId: row.org_id,
    product: row.product,
    features: features(row.features),
    maxActivations: Number(row.max_activations),
    notBefore: Number(row.not_before),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    keyId: row.key_id,
    keyHash: row.key_hash,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    revokedBy: row.revoked_by,
    ...(activationsInUse === undefined ? {} : { activationsInUse }),
  });
}

/** The public view: the key's hash stays in the store. */
function withoutHash(licence: StoredLicence): Licence {
  const { keyHash: _hidden, ...rest } = licence;
  return Object.freeze(rest);
}

function toActivation(row: LicenceActivationTable): Activation {
  return Object.freeze({
    id: row.id,
    licenceId: row.licence_id,
    installationId: row.installation_id,
    activatedAt: Number(row.activated_at),
    lastSeen: Number(row.last_seen),
    deactivatedAt: row.deactivated_at === null ? null : Number(row.deactivated_at),
  });
}

async function liveCount(trx: TenantTransaction, licenceId: string): Promise<number> {
  const row = await trx
    .selectFrom('licence_activations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('licence_id', '=', licenceId)
    .where('deactivated_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export class SqlLicenceStore implements LicenceStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async issue(scope: TenantScope, licence: NewLicence): Promise<void> {
    await withTenant(this.#db, this.#dialect, scope, async (trx) => {
      await trx
        .insertInto('licences')
        .values({
          id: licence.id,
          org_id: scope.orgId,
          product: licence.product,
          features: JSON.stringify(licence.features),
          max_activations: licence.maxActivations,
          not_before: licence.notBefore,
          expires_at: licence.expiresAt,
          key_hash: licence.keyHash,
          key_id: licence.keyId,
          created_by: licence.createdBy,
          created_at: licence.now,
          revoked_at: null,
          revoked_by: null,
        })
        .execute();
      const data = { licence_id: licence.id, product: licence.product, max_activations: licence.maxActivations };
      await appendEvent(trx, { type: 'licence.issued', orgId: scope.orgId, data }, licence.now);
    });
  }

  list(scope: TenantScope, after: string | undefined, limit: number): Promise<readonly Licence[]> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      let query = trx.selectFrom('licences').selectAll().where('org_id', '=', scope.orgId);
      if (after !== undefined) query = query.where('id', '>', after);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map((row) => withoutHash(toLicence(row)));
    });
  }

  find(scope: TenantScope, id: string): Promise<Licence | undefined> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const row = await trx.selectFrom('licences').selectAll().where('org_id', '=', scope.orgId).where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : withoutHash(toLicence(row, await liveCount(trx, id)));
    });
  }

  revoke(scope: TenantScope, id: string, by: string, now: number): Promise<boolean> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const result = await trx
        .updateTable('licences')
        .set({ revoked_at: now, revoked_by: by })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await appendEvent(trx, { type: 'licence.revoked', orgId: scope.orgId, data: { licence_id: id } }, now);
      return true;
    });
  }

  // System: a key names its licence before any org scope exists.
  async findForKey(id: string): Promise<StoredLicence | undefined> {
    const row = await withSystem(this.#db, (trx) => trx.selectFrom('licences').selectAll().where('id', '=', id).executeTakeFirst());
    return row === undefined ? undefined : toLicence(row);
  }

  // System: an installation activates by key; the licence's org comes from its row.
  activate(licenceId: string, installationId: string, activationId: string, now: number): Promise<ActivationOutcome> {
    return withSystem(this.#db, async (trx) => {
      let locking = trx.selectFrom('licences').select(['org_id', 'revoked_at', 'max_activations']).where('id', '=', licenceId);
      if (this.#dialect === 'postgres') locking = locking.forUpdate();
      const licence = await locking.executeTakeFirst();
      if (licence === undefined) return { outcome: 'missing' };
      if (licence.revoked_at !== null) return { outcome: 'revoked' };
      const live = await trx
        .selectFrom('licence_activations')
        .selectAll()
        .where('licence_id', '=', licenceId)
        .where('installation_id', '=', installationId)
        .where('deactivated_at', 'is', null)
        .executeTakeFirst();
      if (live !== undefined) {
        await trx.updateTable('licence_activations').set({ last_seen: now }).where('id', '=', live.id).execute();
        return { outcome: 'existing', activation: toActivation({ ...live, last_seen: now }) };
      }
      if ((await liveCount(trx, licenceId)) >= Number(licence.max_activations)) return { outcome: 'limit' };
      const row: LicenceActivationTable = {
        id: activationId,
        licence_id: licenceId,
        org_id: licence.org_id,
        installation_id: installationId,
        activated_at: now,
        last_seen: now,
        deactivated_at: null,
      };
      await trx.insertInto('licence_activations').values(row).execute();
      const data = { licence_id: licenceId, activation_id: activationId, installation_id: installationId };
      await appendEvent(trx, { type: 'licence.activated', orgId: licence.org_id, data }, now);
      return { outcome: 'activated', activation: toActivation(row) };
    });
  }

  // System: a status check presents a token, not an org scope. One indexed read (a left join on
  // two primary keys), no cache; on SQLite, which has no row-level security, without a transaction.
  async check(licenceId: string, activationId: string): Promise<ActivationCheck | undefined> {
    const read = (db: Pick<RampartKysely, 'selectFrom'>) =>
      db
        .selectFrom('licences as l')
        .leftJoin('licence_activations as a', (join) => join.on('a.id', '=', activationId).onRef('a.licence_id', '=', 'l.id'))
        .select(['l.id', 'l.org_id', 'l.revoked_at', 'l.not_before', 'l.expires_at', 'l.product', 'l.features'])
        .select(['a.id as activation_id', 'a.installation_id', 'a.activated_at', 'a.last_seen', 'a.deactivated_at'])
        .where('l.id', '=', licenceId)
        .executeTakeFirst();
    const row = this.#dialect === 'postgres' ? await withSystem(this.#db, read) : await read(this.#db);
    if (row === undefined) return undefined;
    const activation: Activation | undefined =
      row.activation_id === null || row.installation_id === null
        ? undefined
        : Object.freeze({
            id: row.activation_id,
            licenceId: row.id,
            installationId: row.installation_id,
            activatedAt: Number(row.activated_at),
            lastSeen: Number(row.last_seen),
            deactivatedAt: row.deactivated_at === null ? null : Number(row.deactivated_at),
          });
    return {
      licence: {
        id: row.id,
        orgId: row.org_id,
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
        notBefore: Number(row.not_before),
        expiresAt: row.expires_at === null ? null : Number(row.expires_at),
        product: row.product,
        features: features(row.features),
      },
      activation,
    };
  }

  // System: bookkeeping of the check above.
  async touch(activationId: string, now: number): Promise<void> {
    await withSystem(this.#db, (trx) =>
      trx.updateTable('licence_activations').set({ last_seen: now }).where('id', '=', activationId).where('last_seen', '<', now).execute(),
    );
  }

  // System: an installation deactivates with its token, not an org scope.
  deactivate(licenceId: string, activationId: string, now: number): Promise<Activation | undefined> {
    return withSystem(this.#db, async (trx) => {
      const row = await trx
        .selectFrom('licence_activations')
        .selectAll()
        .where('id', '=', activationId)
        .where('licence_id', '=', licenceId)
        .where('deactivated_at', 'is', null)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const result = await trx
        .updateTable('licence_activations')
        .set({ deactivated_at: now })
        .where('id', '=', activationId)
        .where('deactivated_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      const data = { licence_id: licenceId, activation_id: activationId, installation_id: row.installation_id };
      await appendEvent(trx, { type: 'licence.deactivated', orgId: row.org_id, data }, now);
      return toActivation({ ...row, deactivated_at: now });
    });
  }
}
