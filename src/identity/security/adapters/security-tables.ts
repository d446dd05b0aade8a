/**
 * The tables of identity's security events (migration 0028, docs/decisions/029-new-device-alerts.md):
 * the events an account's owner is told about, the one-time links of a new-device alert, and the
 * devices their owner confirmed.
 */
export interface SecurityEventTable {
  /** `sev_` and 128 random bits, hex. */
  id: string;
  user_id: string;
  kind: string;
  created_at: number;
  ip: string | null;
  user_agent: string | null;
  /** JSON object of strings: metadata shown to the owner, never a secret. */
  details: string;
}

export interface NewDeviceAlertTable {
  /** The `sign_in_new_device` event this alert belongs to (its links name it). */
  event_id: string;
  user_id: string;
  /** The session the sign-in opened: what "this wasn't me" revokes. */
  session_id: string;
  /** JSON array of the SHA-256 hex digests of the device's keys: what "this was me" confirms. */
  device_keys: string;
  /** The links work until then. */
  expires_at: number;
  /** When one of the two links was used; null while neither was. */
  resolved_at: number | null;
  /** `confirmed` ("this was me") or `revoked` ("this wasn't me"); null while unresolved. */
  resolution: string | null;
}

export interface KnownDeviceTable {
  user_id: string;
  /** SHA-256 hex of one key of the device (device-token id, DPoP thumbprint or address and user agent). */
  device_key: string;
  confirmed_at: number;
}

declare module '../../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    security_events: SecurityEventTable;
    new_device_alerts: NewDeviceAlertTable;
    known_devices: KnownDeviceTable;
  }
}
