/** Browser-session helpers: a cookie login from the public origin, and the cookie it sets. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './identity.js';

/** The origin of ADMIN_ENV's RAMPART_PUBLIC_URL. */
export const ORIGIN = 'https://rampart.example.test';
export const COOKIE_SHAPE = /^__Host-rampart_session=(ses_[0-9a-f]{32})\.([A-Za-z0-9_-]{43}); Path=\/; Secure; HttpOnly; SameSite=Strict$/;

export interface CookieLogin {
  readonly cookie: string;
  readonly sessionId: string;
  readonly secret: string;
  readonly csrf: string;
  readonly response: LightMyRequestResponse;
}

/** A cookie login from the public origin; `cookie` is the `Cookie` header value to send back. */
export async function cookieLogin(app: FastifyInstance, headers: Record<string, string> = {}): Promise<CookieLogin> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: ORIGIN, ...headers },
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, mode: 'cookie' },
  });
  expect(response.statusCode, response.body).toBe(200);
  const setCookie = sessionSetCookie(response);
  const match = COOKIE_SHAPE.exec(setCookie);
  expect(match, String(setCookie)).not.toBeNull();
  const [, sessionId = '', secret = ''] = match ?? [];
  return {
    cookie: `__Host-rampart_session=${sessionId}.${secret}`,
    sessionId,
    secret,
    csrf: response.json<{ csrf_token: string }>().csrf_token,
    response,
  };
}

/** The session cookie's `Set-Cookie` line of an answer, among the others a login sets (the device cookie). */
export function sessionSetCookie(response: LightMyRequestResponse): string {
  const setCookie = response.headers['set-cookie'];
  const lines = Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [String(setCookie)];
  return lines.find((line) => line.startsWith('__Host-rampart_session=')) ?? '';
}
