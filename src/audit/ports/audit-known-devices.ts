/**
 * The devices each user has signed in from, for the "new device" alert rule
 * (audit/services/audit-alerts.ts). A device is identified only by a fingerprint (SHA-256 of the user id
 * and the user agent), never by the user agent itself.
 */

/** `first`: the user's first device ever; `known`: seen before; `new`: a device not seen before for a user who had others. */
export type DeviceSighting = 'first' | 'known' | 'new';

/** Guarantees: `sighted` records the fingerprint durably and is atomic per (subject, fingerprint). */
export interface AuditKnownDevices {
  sighted(subject: string, fingerprint: string, now: number): Promise<DeviceSighting>;
}
