/**
 * The authentication step asks each authenticator first whether it can judge the credential from
 * memory (`authenticateNow`); it goes asynchronous only from the first one that cannot, so the
 * order of authenticators — the first that recognises the credential decides — is the same on
 * both paths, and a request judged from memory costs no promise.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { authenticationStep } from '../../../src/kernel/http/chain/authentication.js';
import type { AuthenticationResult, Principal } from '../../../src/kernel/domain/principal.js';
import { DomainError } from '../../../src/kernel/domain/errors.js';
import type { Authenticator, CredentialRequest } from '../../../src/kernel/ports/authenticator.js';

const ALICE: Principal = { type: 'user', id: 'usr_alice', sessionId: 'ses_1', via: 'bearer' };
const BOB: Principal = { type: 'user', id: 'usr_bob', sessionId: 'ses_2', via: 'bearer' };

/** An authenticator that records when it is asked, and how. */
function authenticator(
  name: string,
  calls: string[],
  answers: { now?: AuthenticationResult | 'cannot tell'; later: AuthenticationResult },
): Authenticator {
  const judge: Authenticator = {
    name,
    authenticate: (_request: CredentialRequest) => {
      calls.push(`${name}.authenticate`);
      return Promise.resolve(answers.later);
    },
  };
  const now = answers.now;
  if (now === undefined) return judge;
  return {
    ...judge,
    authenticateNow: () => {
      calls.push(`${name}.authenticateNow`);
      return now === 'cannot tell' ? undefined : now;
    },
  };
}

function request(): { request: FastifyRequest; reply: FastifyReply; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const fakeRequest = {
    method: 'GET',
    headers: { authorization: 'Bearer a.b.c' },
    routeConfig: { access: 'authenticated' },
    ip: '127.0.0.1',
    principal: undefined,
  };
  const reply = {
    header: (name: string, value: string) => {
      headers[name] = value;
      return reply;
    },
  };
  return { request: fakeRequest as unknown as FastifyRequest, reply: reply as unknown as FastifyReply, headers };
}

const NONE: AuthenticationResult = { outcome: 'none' };
const authenticated = (principal: Principal): AuthenticationResult => ({ outcome: 'authenticated', principal });

describe('perf 1: authentication judged from memory first, in the same order', () => {
  it('perf 1: a credential judged from memory settles without a promise, and no authenticator is asked twice', () => {
    const calls: string[] = [];
    const step = authenticationStep({
      authenticators: [
        authenticator('bearer', calls, { now: authenticated(ALICE), later: authenticated(ALICE) }),
        authenticator('keys', calls, { later: NONE }),
      ],
    });
    const { request: req, reply } = request();
    expect(step(req, reply)).toBeUndefined();
    expect(req.principal).toEqual(ALICE);
    expect(calls).toEqual(['bearer.authenticateNow']);
  });

  it('perf 1: from the first authenticator that cannot tell from memory on, the async path asks in order', async () => {
    const calls: string[] = [];
    const step = authenticationStep({
      authenticators: [
        authenticator('first', calls, { now: NONE, later: NONE }),
        authenticator('second', calls, { now: 'cannot tell', later: NONE }),
        authenticator('third', calls, { later: authenticated(BOB) }),
        authenticator('fourth', calls, { now: authenticated(ALICE), later: authenticated(ALICE) }),
      ],
    });
    const { request: req, reply } = request();
    const outcome = step(req, reply);
    expect(outcome).toBeInstanceOf(Promise);
    expect(await outcome).toBeUndefined();
    // The third recognised the credential first: the fourth, which would say Alice, is never asked.
    expect(req.principal).toEqual(BOB);
    expect(calls).toEqual(['first.authenticateNow', 'second.authenticateNow', 'second.authenticate', 'third.authenticate']);
  });

  it('perf 1: a refusal judged from memory is the same 401, with its challenge, and nobody after it is asked', () => {
    const calls: string[] = [];
    const step = authenticationStep({
      authenticators: [
        authenticator('bearer', calls, {
          now: { outcome: 'rejected', code: 'session_revoked', detail: 'The session of this token has been revoked' },
          later: NONE,
        }),
        authenticator('keys', calls, { now: authenticated(ALICE), later: authenticated(ALICE) }),
      ],
    });
    const { request: req, reply, headers } = request();
    const outcome = step(req, reply);
    expect(outcome).toBeInstanceOf(DomainError);
    expect((outcome as DomainError).code).toBe('session_revoked');
    expect(headers['www-authenticate']).toBe('Bearer realm="rampart", error="invalid_token"');
    expect(req.principal).toBeUndefined();
    expect(calls).toEqual(['bearer.authenticateNow']);
  });

  it('perf 1: a presented credential nobody recognises is token_invalid on the memory path too', () => {
    const calls: string[] = [];
    const step = authenticationStep({ authenticators: [authenticator('bearer', calls, { now: NONE, later: NONE })] });
    const { request: req, reply } = request();
    const outcome = step(req, reply);
    expect((outcome as DomainError).code).toBe('token_invalid');
  });
});
