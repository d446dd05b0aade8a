/**
 * MFA helpers for tests: enrol the caller through the real routes, and compute a TOTP code from
 * the returned secret at the fake clock's time (otpauth, independently of the server's check).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Secret as OtpSecret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import type { FakeClock } from './fake-clock.js';

/** One RFC 6238 time step, in ms. */
export const STEP_MS = 30_000;

/** The 6-digit code of `base32` at `now` (ms). */
export function totpCode(base32: string, now: number): string {
  return new TOTP({ secret: OtpSecret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: now });
}

function bearer(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}` };
}

export function startTotp(app: FastifyInstance, accessToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/me/mfa/totp', headers: bearer(accessToken) });
}

export function confirmTotp(app: FastifyInstance, accessToken: string, code: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/me/mfa/totp/confirm', headers: bearer(accessToken), payload: { code } });
}

export function disableTotp(app: FastifyInstance, accessToken: string, code: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'DELETE', url: '/api/v1/me/mfa/totp', headers: bearer(accessToken), payload: { code } });
}

export function verifyMfa(app: FastifyInstance, mfaToken: string, code: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload: { mfa_token: mfaToken, code } });
}

export interface Enrolled {
  readonly secret: string;
  readonly otpauthUrl: string;
  readonly recoveryCodes: readonly string[];
}

/**
 * Enrols the caller and confirms with the current code, then moves the clock one step on (the
 * confirming step is spent: a login right after needs the next code).
 */
export async function enrol(app: FastifyInstance, accessToken: string, clock: FakeClock): Promise<Enrolled> {
  const started = await startTotp(app, accessToken);
  expect(started.statusCode, started.body).toBe(200);
  const { secret, otpauth_url: otpauthUrl } = started.json<{ secret: string; otpauth_url: string }>();
  const confirmed = await confirmTotp(app, accessToken, totpCode(secret, clock.now()));
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  const recoveryCodes = confirmed.json<{ recovery_codes: string[] }>().recovery_codes;
  clock.advance(STEP_MS);
  return { secret, otpauthUrl, recoveryCodes };
}

/** Logs in an enrolled user: the mfa_token of the 200 `mfa_required` answer. */
export function mfaTokenOf(login: LightMyRequestResponse): string {
  expect(login.statusCode, login.body).toBe(200);
  const body = login.json<{ mfa_required: boolean; mfa_token: string; methods: string[] }>();
  expect(body).toEqual({ mfa_required: true, mfa_token: expect.stringMatching(/^mfa_/) as unknown, methods: ['totp', 'recovery_code'] });
  return body.mfa_token;
}
