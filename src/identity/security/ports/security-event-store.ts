/**
 * Where an account's security events, its new-device alerts and its confirmed devices are kept
 * (migration 0028). Metadata only: never a secret in any field.
 */
import type { SecurityEventKind } from '../domain/security-event.js';

/** One stored security event. */
export interface StoredSecurityEvent {
  readonly id: string;
  readonly userId: string;
  readonly kind: SecurityEventKind;
  readonly createdAt: number;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly details: Readonly<Record<string, string>>;
}

/** The link state of a `sign_in_new_device` event. */
export interface NewDeviceAlert {
  readonly eventId: string;
  readonly userId: string;
  /** The session the sign-in opened. */
  readonly sessionId: string;
  /** SHA-256 hex digests of the device's keys. */
  readonly deviceKeys: readonly string[];
  readonly expiresAt: number;
}

export type AlertResolution = 'confirmed' | 'revoked';

/**
 * Guarantees: `add` stores the event (and, when given, its alert) in one transaction; `list` reads
 * only `userId`'s events, newest first (created at, then id, descending), strictly below `before`,
 * at most `limit`; `resolve` is one guarded UPDATE: of any number of concurrent calls on one
 * alert, at most one resolves it, and none once it is resolved or at or past its expiry;
 * `confirm` is idempotent; `known` tells whether any of `keys` was confirmed for `userId`.
 */
export interface SecurityEventStore {
  add(event: StoredSecurityEvent, alert?: NewDeviceAlert): Promise<void>;
  list(
    userId: string,
    before: { readonly createdAt: number; readonly id: string } | undefined,
    limit: number,
  ): Promise<readonly StoredSecurityEvent[]>;
  /** The alert of `eventId`, whatever its state (to show a link's page), or undefined. */
  alert(eventId: string): Promise<(NewDeviceAlert & { readonly resolution: AlertResolution | null }) | undefined>;
  /** Spends the alert's links with `resolution` at `now`: the alert when this call did it, else undefined. */
  resolve(eventId: string, resolution: AlertResolution, now: number): Promise<NewDeviceAlert | undefined>;
  /** Records `keys` as confirmed devices of `userId`. */
  confirm(userId: string, keys: readonly string[], now: number): Promise<void>;
  /** Forgets `keys` as confirmed devices of `userId` (a device its owner disowned). */
  forget(userId: string, keys: readonly string[]): Promise<void>;
  known(userId: string, keys: readonly string[]): Promise<boolean>;
}
