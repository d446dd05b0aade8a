/**
 * The caller's security events in their data export (`GET /api/v1/me/export`, GDPR Art. 15/20):
 * every event stored for the account (kind, time, address, user agent, details — metadata only)
 * and the state of each new-device alert (never its links, which are not stored). Confirmed
 * devices are kept only as digests of device keys: they are counted, not shown.
 */
import { Type } from '@sinclair/typebox';
import type { PersonalDataSection } from '../../../kernel/part.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';

const Section = Type.Object(
  {
    events: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          kind: Type.String(),
          created_at: Type.String({ format: 'date-time' }),
          ip: Type.Union([Type.String(), Type.Null()]),
          user_agent: Type.Union([Type.String(), Type.Null()]),
          details: Type.Record(Type.String(), Type.String()),
          alert: Type.Union([
            Type.Object(
              {
                session_id: Type.String(),
                expires_at: Type.String({ format: 'date-time' }),
                resolution: Type.Union([Type.String(), Type.Null()]),
              },
              { additionalProperties: false },
            ),
            Type.Null(),
          ]),
        },
        { additionalProperties: false },
      ),
    ),
    confirmed_devices: Type.Integer({ description: 'Devices confirmed with "this was me" (kept as digests of their keys only)' }),
  },
  { additionalProperties: false },
);

export function securityPersonalData(db: RampartKysely): PersonalDataSection {
  return {
    key: 'security_events',
    schema: Section,
    async read(userId: string) {
      const rows = await db
        .selectFrom('security_events')
        .leftJoin('new_device_alerts', 'new_device_alerts.event_id', 'security_events.id')
        .select([
          'security_events.id',
          'security_events.kind',
          'security_events.created_at',
          'security_events.ip',
          'security_events.user_agent',
          'security_events.details',
          'new_device_alerts.session_id',
          'new_device_alerts.expires_at',
          'new_device_alerts.resolution',
        ])
        .where('security_events.user_id', '=', userId)
        .orderBy('security_events.created_at', 'desc')
        .execute();
      const devices = await db.selectFrom('known_devices').select('device_key').where('user_id', '=', userId).execute();
      return {
        events: rows.map((row) => ({
          id: row.id,
          kind: row.kind,
          created_at: new Date(Number(row.created_at)).toISOString(),
          ip: row.ip,
          user_agent: row.user_agent,
          details: JSON.parse(row.details) as Record<string, string>,
          alert:
            row.session_id === null || row.expires_at === null
              ? null
              : { session_id: row.session_id, expires_at: new Date(Number(row.expires_at)).toISOString(), resolution: row.resolution },
        })),
        confirmed_devices: devices.length,
      };
    },
  };
}
