/**
 * Identity helpers for tests: the bootstrap admin's credentials as the environment gives them,
 * and login / refresh / authenticated requests through the real server.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'correct horse battery staple 42';

/** RAMPART_* variables that create a known bootstrap admin. */
export const ADMIN_ENV: Readonly<Record<string, string>> = Object.freeze({
  RAMPART_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
  RAMPART_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  RAMPART_PUBLIC_URL: 'https://rampart.example.test',
});

export interface Grant {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly session_id: string;
  readonly user: { readonly id: string; readonly email: string };
}

export function loginRequest(
  app: FastifyInstance,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', headers, payload: { email, password } });
}

/** Logs in and returns the grant; fails the test unless the answer is 200. */
export async function login(app: FastifyInstance, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<Grant> {
  const response = await loginRequest(app, email, password);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Grant>();
}

export function refreshRequest(app: FastifyInstance, refreshToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: refreshToken } });
}

export function me(app: FastifyInstance, accessToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${accessToken}` } });
}
