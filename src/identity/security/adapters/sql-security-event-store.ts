/** {@link SecurityEventStore} on `security_events`, `new_device_alerts` and `known_devices` (migration 0028). */
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import type { SecurityEventKind } from '../domain/security-event.js';
import type { AlertResolution, NewDeviceAlert, SecurityEventStore, StoredSecurityEvent } from '../ports/security-event-store.js';
import type { NewDeviceAlertTable, SecurityEventTable } from './security-tables.js';
import './security-tables.js';

export class SqlSecurityEventStore implements SecurityEventStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async add(event: StoredSecurityEvent, alert?: NewDeviceAlert): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('security_events')
        .values({
          id: event.id,
          user_id: event.userId,
          kind: event.kind,
          created_at: event.createdAt,
          ip: event.ip,
          user_agent: event.userAgent,
          details: JSON.stringify(event.details),
        })
        .execute();
      if (alert === undefined) return;
      await trx
        .insertInto('new_device_alerts')
        .values({
          event_id: alert.eventId,
          user_id: alert.userId,
          session_id: alert.sessionId,
          device_keys: JSON.stringify(alert.deviceKeys),
          expires_at: alert.expiresAt,
          resolved_at: null,
          resolution: null,
        })
        .execute();
    });
  }

  async list(
    userId: string,
    before: { readonly createdAt: number; readonly id: string } | undefined,
    limit: number,
  ): Promise<readonly StoredSecurityEvent[]> {
    let query = this.#db.selectFrom('security_events').selectAll().where('user_id', '=', userId);
    if (before !== undefined) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(eventOf);
  }

  async alert(eventId: string): Promise<(NewDeviceAlert & { readonly resolution: AlertResolution | null }) | undefined> {
    const row = await this.#db.selectFrom('new_device_alerts').selectAll().where('event_id', '=', eventId).executeTakeFirst();
    return row === undefined ? undefined : { ...alertOf(row), resolution: row.resolution as AlertResolution | null };
  }

  async resolve(eventId: string, resolution: AlertResolution, now: number): Promise<NewDeviceAlert | undefined> {
    // One guarded statement: the first caller spends the links, every other one finds nothing.
    const row = await this.#db
      .updateTable('new_device_alerts')
      .set({ resolved_at: now, resolution })
      .where('event_id', '=', eventId)
      .where('resolved_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : alertOf(row);
  }

  async confirm(userId: string, keys: readonly string[], now: number): Promise<void> {
    if (keys.length === 0) return;
    await this.#db
      .insertInto('known_devices')
      .values(keys.map((key) => ({ user_id: userId, device_key: key, confirmed_at: now })))
      .onConflict((oc) => oc.columns(['user_id', 'device_key']).doNothing())
      .execute();
  }

  async forget(userId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#db
      .deleteFrom('known_devices')
      .where('user_id', '=', userId)
      .where('device_key', 'in', [...keys])
      .execute();
  }

  async known(userId: string, keys: readonly string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    const row = await this.#db
      .selectFrom('known_devices')
      .select('device_key')
      .where('user_id', '=', userId)
      .where('device_key', 'in', [...keys])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

function eventOf(row: SecurityEventTable): StoredSecurityEvent {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind as SecurityEventKind,
    createdAt: Number(row.created_at),
    ip: row.ip,
    userAgent: row.user_agent,
    details: detailsOf(row.details),
  };
}

/** The stored details: an object of strings (anything else in the column is dropped, never shown raw). */
function detailsOf(text: string): Readonly<Record<string, string>> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function alertOf(row: NewDeviceAlertTable): NewDeviceAlert {
  const keys: unknown = JSON.parse(row.device_keys);
  return {
    eventId: row.event_id,
    userId: row.user_id,
    sessionId: row.session_id,
    deviceKeys: Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string') : [],
    expiresAt: Number(row.expires_at),
  };
}
