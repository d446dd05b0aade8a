/** Assertions on RFC 9457 problem answers, as test/fixtures/spec-api-v1.md "Conventions" defines them. */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ERROR_CATALOG, type ErrorCode } from '../../src/kernel/domain/errors.js';
import { PROBLEM_TYPE_BASE, STATUS_BY_CODE, type Problem } from '../../src/kernel/http/problem.js';

/** The members every problem carries; `errors` is the one extension Rampart adds (validation). */
export const PROBLEM_FIELDS = ['code', 'detail', 'request_id', 'status', 'title', 'type'];

/**
 * Checks that `response` is the problem `code` (with its catalog status), served as
 * `application/problem+json`, whose `request_id` is the response's `X-Request-Id`; returns it.
 */
export function expectProblem(response: LightMyRequestResponse, code: ErrorCode): Problem {
  expect(response.statusCode).toBe(STATUS_BY_CODE[code]);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
  const body = response.json<Problem>();
  expect(body).toMatchObject({
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: ERROR_CATALOG[code],
    status: STATUS_BY_CODE[code],
    code,
    request_id: response.headers['x-request-id'],
  });
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}
