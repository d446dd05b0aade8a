/**
 * Request fixtures for tests that send one valid, authorised request to each mutating route
 * (test/integration/audit-coverage.test.ts, test/security/audit-fail-closed.test.ts): the
 * context they share ({@link RouteCtx}), JSON and form request builders, HTTP Basic credentials,
 * and the preparations several routes need — a service client, a client-credentials token, an
 * API key, a pending invitation, a stored secret and an MFA-enrolled user — each made through the
 * real routes. Every preparation fails the test unless its request answers as `check` asks.
 */
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import { hashEmailToken } from '../../src/identity/email/crypto/email-token.js';
import { SoftAuthenticator } from '../fixtures/webauthn/soft-authenticator.js';
import type { FakeClock } from './fake-clock.js';
import type { Grant } from './identity.js';
import { enrol } from './mfa.js';
import { bearer, uniqueSlug, type OrgBody, type OrgUser } from './orgs.js';
import type { TestServer } from './rampart.js';

export type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteRequest = InjectOptions & { readonly method: Method; readonly url: string };

/** A running server with an admin, an org and its owner, and a way to make fresh users. */
export interface RouteCtx {
  readonly server: TestServer;
  readonly clock: FakeClock;
  readonly admin: Grant;
  readonly org: OrgBody;
  readonly owner: OrgUser;
  user(): Promise<OrgUser>;
}

/**
 * How a preparation's answer is checked: `'exact'`, the route's own success status (each helper
 * names it); `'success'`, any status below 300.
 */
export type StatusCheck = 'exact' | 'success';

/** A request as `grant` (none when undefined), with a JSON body when `payload` is given. */
export const json = (grant: Grant | undefined, method: Method, url: string, payload?: object): RouteRequest => ({
  method,
  url,
  headers: grant === undefined ? {} : bearer(grant),
  ...(payload === undefined ? {} : { payload }),
});

/** A form-encoded POST of `body`. */
export const form = (url: string, body: Record<string, string>, headers: Record<string, string> = {}): RouteRequest => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  payload: new URLSearchParams(body).toString(),
});

/** An HTTP Basic `authorization` header value, with the id and secret each percent-encoded. */
export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/**
 * Sends `request` and answers its JSON body, failing the test unless the status is `expected`
 * exactly, or, for `'success'`, below 300 (an empty body then answers undefined).
 */
export async function answer<T>(ctx: Pick<RouteCtx, 'server'>, request: RouteRequest, expected: number | 'success'): Promise<T> {
  const response = await ctx.server.app.inject(request);
  if (expected === 'success') {
    expect(response.statusCode, `${request.method} ${request.url}: ${response.body}`).toBeLessThan(300);
    return (response.body === '' ? undefined : response.json<T>()) as T;
  }
  expect(response.statusCode, response.body).toBe(expected);
  return response.json<T>();
}

const status = (check: StatusCheck, exact: number): number | 'success' => (check === 'exact' ? exact : 'success');

/** A confidential service client of the org, created by its owner (201). */
export async function client(ctx: RouteCtx, check: StatusCheck): Promise<{ client_id: string; client_secret: string }> {
  return answer(
    ctx,
    json(ctx.owner.grant, 'POST', `/api/v1/orgs/${ctx.org.id}/clients`, {
      name: 'svc',
      scopes: ['members.read'],
      auth_method: 'client_secret_basic',
    }),
    status(check, 201),
  );
}

/** A fresh {@link client} (201) and an access token of its client-credentials grant (200). */
export async function clientToken(ctx: RouteCtx, check: StatusCheck): Promise<{ id: string; secret: string; token: string }> {
  const c = await client(ctx, check);
  const grant = await answer<{ access_token: string }>(
    ctx,
    form('/api/v1/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(c.client_id, c.client_secret) }),
    status(check, 200),
  );
  return { id: c.client_id, secret: c.client_secret, token: grant.access_token };
}

/** The id of an API key of the org's owner (201). */
export async function apiKey(ctx: RouteCtx, check: StatusCheck): Promise<string> {
  const key = await answer<{ id: string }>(
    ctx,
    json(ctx.owner.grant, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['members.read'], org: ctx.org.id }),
    status(check, 201),
  );
  return key.id;
}

/** A fresh user with a pending invitation to the org, sent by its owner (202): the invitee and the invitation's id. */
export async function pendingInvitation(ctx: RouteCtx, check: StatusCheck): Promise<{ invitee: OrgUser; id: string }> {
  const invitee = await ctx.user();
  const sent = await answer<{ invitation_id: string }>(
    ctx,
    json(ctx.owner.grant, 'POST', `/api/v1/orgs/${ctx.org.id}/members`, { email: invitee.email, role: 'viewer' }),
    status(check, 202),
  );
  return { invitee, id: sent.invitation_id };
}

/** The name of a new secret of the org, written by its owner (200). */
export async function secretPut(ctx: RouteCtx, check: StatusCheck): Promise<string> {
  const name = uniqueSlug('s');
  await answer(ctx, json(ctx.owner.grant, 'PUT', `/api/v1/orgs/${ctx.org.id}/secrets/${name}`, { value: 'a value' }), status(check, 200));
  return name;
}

/** A fresh user with a confirmed TOTP second factor, and its secret (the clock is one step on). */
export async function enrolled(ctx: RouteCtx): Promise<{ user: OrgUser; secret: string }> {
  const user = await ctx.user();
  const { secret } = await enrol(ctx.server.app, user.grant.access_token, ctx.clock);
  return { user, secret };
}

/** A job of the org (202) that sleeps for minutes, once a worker runs it: its id (issue 14; ended by the server's close). */
export async function runningJob(ctx: RouteCtx, check: StatusCheck): Promise<string> {
  const created = await answer<{ id: string }>(
    ctx,
    json(ctx.owner.grant, 'POST', `/api/v1/orgs/${ctx.org.id}/jobs`, { command: ['/bin/sleep', '600'], limits: { wall_seconds: 600 } }),
    status(check, 202),
  );
  for (let tries = 0; tries < 200; tries++) {
    const job = await ctx.server.app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${ctx.org.id}/jobs/${created.id}`,
      headers: bearer(ctx.owner.grant),
    });
    if (job.json<{ status: string }>().status === 'running') return created.id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${created.id} did not start`);
}

/** A licence of the org issued by its owner (201): its id and key (issue 16). */
export async function licence(ctx: RouteCtx, check: StatusCheck): Promise<{ id: string; licence_key: string }> {
  return answer(
    ctx,
    json(ctx.owner.grant, 'POST', `/api/v1/orgs/${ctx.org.id}/licences`, { product: 'compiler', max_activations: 5 }),
    status(check, 201),
  );
}

/** A licence of the org with one installation activated (200): the licence id, its key and the activation token (issue 16). */
export async function licenceActivation(ctx: RouteCtx, check: StatusCheck): Promise<{ id: string; licence_key: string; token: string }> {
  const issued = await licence(ctx, check);
  const activated = await answer<{ token: string }>(
    ctx,
    json(undefined, 'POST', '/api/v1/licences/activate', { licence_key: issued.licence_key, installation_id: uniqueSlug('inst') }),
    status(check, 200),
  );
  return { ...issued, token: activated.token };
}

/** An artifact signed for the org (200): its digest and its bundle (issue 16). */
export async function signedArtifact(ctx: RouteCtx, check: StatusCheck): Promise<{ digest: string; bundle: Record<string, unknown> }> {
  const digest = `sha256:${'5a'.repeat(32)}`;
  const signed = await answer<{ bundle: Record<string, unknown> }>(
    ctx,
    json(ctx.owner.grant, 'POST', `/api/v1/orgs/${ctx.org.id}/artifacts/sign`, { digest, name: 'fixture.bin' }),
    status(check, 200),
  );
  return { digest, bundle: signed.bundle };
}

/** A webhook endpoint of the org (201) subscribed to every event; its `.invalid` host never resolves (issue 15). */
export async function webhook(ctx: RouteCtx, check: StatusCheck): Promise<string> {
  const created = await answer<{ id: string }>(
    ctx,
    json(ctx.owner.grant, 'POST', `/api/v1/orgs/${ctx.org.id}/webhooks`, { url: 'https://hooks.rampart-fixture.invalid/', events: ['*'] }),
    status(check, 201),
  );
  return created.id;
}

/**
 * A webhook endpoint of the org and one delivery of an event to it (issue 15): a role change emits
 * the event, and the server's webhook worker is pumped once to fan it out (its background polling
 * may be off: RAMPART_WEBHOOK_WORKERS=0).
 */
export async function webhookDelivery(ctx: RouteCtx, check: StatusCheck): Promise<{ id: string; delivery: string }> {
  const id = await webhook(ctx, check);
  await answer(
    ctx,
    json(ctx.owner.grant, 'PUT', `/api/v1/orgs/${ctx.org.id}/roles/${uniqueSlug('r')}`, { permissions: ['jobs.read'] }),
    status(check, 200),
  );
  await ctx.server.rampart.facade('webhooks').worker.pump();
  const page = await ctx.server.app.inject({
    method: 'GET',
    url: `/api/v1/orgs/${ctx.org.id}/webhooks/${id}/deliveries`,
    headers: bearer(ctx.owner.grant),
  });
  const delivery = page.json<{ items: { id: string }[] }>().items[0];
  if (delivery === undefined) throw new Error(`no delivery was fanned out to webhook ${id}`);
  return { id, delivery: delivery.id };
}

/** The signing secret of the hook sources the fixtures create (Standard Webhooks, 32 bytes). */
export const HOOK_SOURCE_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;

/** An org hook source (issue 15 item 4), created (201) with {@link HOOK_SOURCE_SECRET}: its `src_…` id and the server's time then. */
export async function hookSource(ctx: RouteCtx, check: StatusCheck): Promise<{ id: string; createdAt: number }> {
  const created = await answer<{ id: string; created_at: string }>(
    ctx,
    json(ctx.owner.grant, 'PUT', `/api/v1/orgs/${ctx.org.id}/hook-sources/${uniqueSlug('src')}`, { secret: HOOK_SOURCE_SECRET }),
    status(check, 201),
  );
  return { id: created.id, createdAt: Date.parse(created.created_at) };
}

/** A Standard Webhooks request to `POST /api/v1/hooks/{source}`, signed at `at` (ms; the server's clock) with {@link HOOK_SOURCE_SECRET}. */
export function signedHook(source: string, at: number, body = '{"type":"fixture.event"}'): RouteRequest {
  const id = `msg_${uniqueSlug('m')}`;
  const seconds = Math.floor(at / 1000);
  return {
    method: 'POST',
    url: `/api/v1/hooks/${source}`,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(seconds),
      'webhook-signature': new Webhook(HOOK_SOURCE_SECRET).sign(id, new Date(seconds * 1000), body),
    },
    payload: body,
  };
}

/**
 * A fresh user and a usable one-time token of an email flow (issue 17) for them, stored as the
 * flow stores it (hashed, bound to the user's address): what `POST /api/v1/auth/email/confirm`
 * (`verify`, or `change` to a new address) and `POST /api/v1/auth/password/reset` (`reset`) spend.
 */
export async function emailToken(ctx: RouteCtx, purpose: 'verify' | 'reset' | 'change'): Promise<{ user: OrgUser; token: string }> {
  const user = await ctx.user();
  const token = `et_${uniqueSlug('fixture')}${uniqueSlug('token')}`;
  const now = ctx.clock.now();
  await ctx.server.stored.db
    .insertInto('email_tokens')
    .values({
      token_hash: hashEmailToken(token),
      purpose,
      user_id: user.id,
      new_email: purpose === 'change' ? `${uniqueSlug('moved')}@example.test` : user.email,
      created_at: now,
      expires_at: now + 30 * 60_000,
      used_at: null,
    })
    .execute();
  return { user, token };
}

/**
 * A fresh user with a registered passkey (issue 18), made through the passkey routes with a
 * software authenticator on the server's WebAuthn origin: the user, the passkey's id, and an
 * `assert` that answers fresh options of `purpose` — a first-factor sign-in, or a step-up of the
 * user's session — with what `POST /api/v1/auth/passkey/verify` or `/auth/step-up/passkey` takes.
 */
export async function passkeyUser(
  ctx: RouteCtx,
  check: StatusCheck,
): Promise<{ user: OrgUser; passkeyId: string; assert(purpose: 'sign_in' | 'step_up'): Promise<Record<string, unknown>> }> {
  const user = await ctx.user();
  const authenticator = new SoftAuthenticator(ctx.server.rampart.config.webauthnOrigins[0] ?? '');
  const options = await answer<{ challenge: string; rp: { id: string }; user: { id: string } }>(
    ctx,
    json(user.grant, 'POST', '/api/v1/me/passkeys/options'),
    status(check, 200),
  );
  const created = await answer<{ id: string }>(
    ctx,
    json(user.grant, 'POST', '/api/v1/me/passkeys', { response: authenticator.create(options) }),
    status(check, 201),
  );
  const credential = authenticator.credentials[0];
  if (credential === undefined) throw new Error('the soft authenticator holds no credential');
  return {
    user,
    passkeyId: created.id,
    async assert(purpose) {
      const request =
        purpose === 'sign_in'
          ? json(undefined, 'POST', '/api/v1/auth/passkey/options')
          : json(user.grant, 'POST', '/api/v1/auth/step-up/passkey/options');
      return authenticator.get(await answer<{ challenge: string }>(ctx, request, status(check, 200)), credential);
    },
  };
}

/**
 * A user (with a password) and an external identity linked to it, stored through the federation
 * facade (no provider is asked): for the routes that unlink one.
 */
export async function linkedIdentity(ctx: RouteCtx): Promise<{ user: OrgUser; id: string }> {
  const user = await ctx.user();
  const id = `ext_${randomBytes(16).toString('hex')}`;
  await ctx.server.rampart.facade('federation').oidc.identities.link({
    id,
    userId: user.id,
    provider: 'oidc:fixture',
    subject: uniqueSlug('subject'),
    email: null,
    emailVerified: false,
    now: ctx.clock.now(),
  });
  return { user, id };
}

/** RAMPART_OIDC_PROVIDERS of one provider with its endpoints written out: starting a flow asks nothing of the network. */
export const OFFLINE_OIDC_PROVIDERS = JSON.stringify({
  fixture: {
    issuer: 'https://idp.example.test',
    authorization_endpoint: 'https://idp.example.test/authorize',
    token_endpoint: 'https://idp.example.test/token',
    jwks_uri: 'https://idp.example.test/jwks',
    client_id: 'rampart',
  },
});
