/**
 * What every new session row starts with, whatever kind it is (a token session at login, a
 * browser session): a new id, its user, the device name, and where it came from. The user agent
 * is cut to {@link USER_AGENT_MAX} characters: it is stored and shown, and a client chooses it.
 */
import { newId } from '../../../kernel/crypto/random-id.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';

export const USER_AGENT_MAX = 512;

export interface NewSessionFields {
  readonly id: string;
  readonly userId: string;
  readonly deviceName: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly now: number;
}

export function newSessionFields(userId: string, deviceName: string | undefined, context: RequestContext, now: number): NewSessionFields {
  return {
    id: newId('ses'),
    userId,
    deviceName: deviceName ?? null,
    ip: context.ip,
    userAgent: context.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    now,
  };
}
