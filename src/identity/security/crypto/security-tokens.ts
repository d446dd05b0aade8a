/**
 * The signed strings of identity's security events, under one key derived from the master key
 * (`security-events`), each MAC bound to its use by a label so that one kind can never pass for
 * the other (HMAC-SHA-256, RFC 2104; compared with `timingSafeEqual`):
 * - a new-device alert's links: `<event id>.<action>.<mac>`, the MAC over the label, the event id
 *   and the action, so the "this was me" link cannot be turned into the "this wasn't me" one, nor
 *   either into a link of another alert. A link is only a capability on one alert: whether it
 *   still works (once, before it expires) is the alert row's state, spent by one guarded UPDATE;
 * - the list's cursors: base64url of `<created at>.<event id>` and a 128-bit tag over the label,
 *   the owner's id and that text: a cursor opens only as it was handed out, and only for its owner.
 * Nothing here is stored: a database read alone does not give a working link.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../../kernel/domain/secret.js';

/** What a new-device alert's link does. */
export type AlertAction = 'confirm' | 'revoke';

const EVENT_ID = /^sev_[0-9a-f]{32}$/;
const LINK = /^(sev_[0-9a-f]{32})\.(confirm|revoke)\.([A-Za-z0-9_-]{43})$/;
const CURSOR = /^([A-Za-z0-9_-]{1,120})\.([A-Za-z0-9_-]{22})$/;
const CURSOR_BODY = /^(\d{1,16})\.(sev_[0-9a-f]{32})$/;

/** Where the next page starts: below this event, in (created at, id) order. */
export interface EventPosition {
  readonly createdAt: number;
  readonly id: string;
}

export class SecurityTokens {
  readonly #key: Secret<Buffer>;

  /** `key`: 32 bytes derived from the master key for `security-events` (kernel/crypto/derive-key.ts). */
  constructor(key: Secret<Buffer>) {
    if (key.reveal().length !== 32) throw new RangeError('the security-events key must be 32 bytes');
    this.#key = key;
    Object.freeze(this);
  }

  /** The link token of `action` on the alert of event `eventId`. */
  link(eventId: string, action: AlertAction): string {
    if (!EVENT_ID.test(eventId)) throw new RangeError('not a security event id');
    return `${eventId}.${action}.${this.#mac('link', `${eventId}.${action}`).toString('base64url')}`;
  }

  /** The alert and action `token` names when this key signed it, else undefined. */
  openLink(token: string): { readonly eventId: string; readonly action: AlertAction } | undefined {
    const match = LINK.exec(token);
    if (match === null) return undefined;
    const [, eventId, action, mac] = match as unknown as [string, string, AlertAction, string];
    if (!same(mac, this.#mac('link', `${eventId}.${action}`).toString('base64url'))) return undefined;
    return { eventId, action };
  }

  /** The cursor of the page of `userId`'s events that starts below `position`. */
  cursor(userId: string, position: EventPosition): string {
    const body = Buffer.from(`${Math.trunc(position.createdAt)}.${position.id}`, 'utf8').toString('base64url');
    return `${body}.${this.#tag(userId, body)}`;
  }

  /** The position `cursor` carries when it was handed out to `userId` by this key, else undefined. */
  openCursor(userId: string, cursor: string): EventPosition | undefined {
    const match = CURSOR.exec(cursor);
    if (match === null) return undefined;
    const [, body, tag] = match as unknown as [string, string, string];
    if (!same(tag, this.#tag(userId, body))) return undefined;
    const inner = CURSOR_BODY.exec(Buffer.from(body, 'base64url').toString('utf8'));
    if (inner === null) return undefined;
    const createdAt = Number(inner[1]);
    return Number.isSafeInteger(createdAt) ? { createdAt, id: inner[2] as string } : undefined;
  }

  #tag(userId: string, body: string): string {
    return this.#mac('cursor', `${userId}.${body}`).subarray(0, 16).toString('base64url');
  }

  #mac(label: 'link' | 'cursor', message: string): Buffer {
    return createHmac('sha256', this.#key.reveal()).update(`rampart-security-${label}\n${message}`, 'utf8').digest();
  }
}

/** Constant-time comparison of two texts (their lengths are public: fixed by the format). */
function same(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
