/**
 * The device cookie of sign-in throttling (docs/decisions/011-login-throttling.md):
 * `rampart_device`, set at every successful sign-in, sent back only to `/api/v1/auth` (the login
 * and its MFA step), `HttpOnly` (no script reads it), `SameSite=Strict`, `Secure` when the public
 * URL is https, kept 400 days. It cannot carry the `__Host-` prefix, which requires `Path=/`.
 * Token-mode clients get the same value as `device_token` in the login answer and send it back in
 * the login body. Its value is a device token (`identity/accounts/crypto/device-token.ts`).
 */
import type { Secret } from '../../../kernel/domain/secret.js';

export const DEVICE_COOKIE_NAME = 'rampart_device';
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;
const VALUE = /^[A-Za-z0-9._-]{1,300}$/;

/** The `Set-Cookie` header that stores `token` on the device. */
export function setDeviceCookie(token: Secret<string>, secure: boolean): string {
  return `${DEVICE_COOKIE_NAME}=${token.reveal()}; Path=/api/v1/auth; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The device cookie's value in a `Cookie` header (the first of that name), or `undefined`. */
export function readDeviceCookie(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at === -1 || pair.slice(0, at).trim() !== DEVICE_COOKIE_NAME) continue;
    const value = pair.slice(at + 1).trim();
    return VALUE.test(value) ? value : undefined;
  }
  return undefined;
}
