/**
 * The caller's security events (`GET /api/v1/me/security-events`) and the two links of a
 * new-device alert (`/api/v1/auth/new-device/{token}`): a GET that shows a page with one button
 * and changes nothing — mail scanners follow links, so a GET must be safe to prefetch — and the
 * POST that button sends, which does it, without signing in (the signed link is the proof).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { validationFailed } from '../../../kernel/domain/errors.js';
import { requestContext, userActor } from '../../../kernel/http/request-context.js';
import type { SecurityTokens } from '../crypto/security-tokens.js';
import type { StoredSecurityEvent } from '../ports/security-event-store.js';
import type { AlertOutcome, NewDeviceAlerts } from '../services/new-device-alerts.js';
import type { SecurityEvents } from '../services/security-events.js';
import { linkPage, outcomePage, PAGE_CSP } from './alert-pages.js';

const KINDS = [
  'sign_in_new_device',
  'password_changed',
  'password_reset',
  'email_changed',
  'mfa_enabled',
  'mfa_disabled',
  'passkey_added',
  'passkey_removed',
  'api_key_created',
  'recovery_code_used',
  'sessions_revoked_by_admin',
] as const;

const EventJson = Type.Object(
  {
    id: Type.String({ description: 'The event id (`sev_…`)' }),
    kind: Type.Union(
      KINDS.map((kind) => Type.Literal(kind)),
      { description: 'What happened to the account' },
    ),
    created_at: Type.String({ format: 'date-time', description: 'When it happened' }),
    ip: Type.Union([Type.String(), Type.Null()], { description: 'The address of the request that caused it, when there was one' }),
    user_agent: Type.Union([Type.String(), Type.Null()], { description: 'The user agent of that request' }),
    details: Type.Record(Type.String(), Type.String(), {
      description: 'Metadata about the event (a device summary and address, a key name): never a secret',
    }),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The `next_cursor` of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Events per page (default 20)' })),
  },
  { additionalProperties: false },
);

const Page = Type.Object(
  {
    items: Type.Array(EventJson),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Opaque and authenticated; null on the last page' }),
  },
  { additionalProperties: false },
);

const LinkParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200, description: 'The signed link token from the alert mail' }) },
  { additionalProperties: false },
);

const UseQuery = Type.Object(
  {
    everywhere: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false')], {
        description: '"This wasn\'t me" only: `true` revokes every session of the account, not only the alerted one',
      }),
    ),
  },
  { additionalProperties: false },
);

const OutcomeJson = Type.Object(
  {
    action: Type.Union([Type.Literal('confirm'), Type.Literal('revoke')], { description: 'What the link did' }),
    revoked_sessions: Type.Array(Type.String(), { description: 'Ids of the sessions revoked ("this wasn\'t me")' }),
    password_reset: Type.Boolean({ description: 'Whether a password-reset mail was sent to the account' }),
  },
  { additionalProperties: false },
);

function eventJson(event: StoredSecurityEvent): Static<typeof EventJson> {
  return {
    id: event.id,
    kind: event.kind,
    created_at: new Date(event.createdAt).toISOString(),
    ip: event.ip,
    user_agent: event.userAgent,
    details: { ...event.details },
  };
}

function outcomeJson(outcome: AlertOutcome): Static<typeof OutcomeJson> {
  return { action: outcome.action, revoked_sessions: [...outcome.revokedSessions], password_reset: outcome.passwordReset };
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(body);
}

export interface SecurityRoutesOptions {
  readonly events: Pick<SecurityEvents, 'list'>;
  readonly alerts: Pick<NewDeviceAlerts, 'state' | 'use'>;
  readonly tokens: Pick<SecurityTokens, 'cursor' | 'openCursor'>;
  readonly linkRateLimit: number;
}

export async function securityRoutes(app: FastifyInstance, options: SecurityRoutesOptions): Promise<void> {
  const { events, alerts, tokens } = options;

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/me/security-events',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "The caller's recent security events, newest first, by cursor",
        description:
          'Sign-ins from new devices, password and email changes, second factors and passkeys added or removed, API keys created, recovery codes used, sessions revoked by an administrator: each was also mailed to the account. ' +
          "Only the caller's own events; a cursor that was altered, or handed to another user, is 400 `validation_failed`.",
        tags: ['me'],
        querystring: ListQuery,
        response: { 200: Page },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const cursor = request.query.cursor;
      const before = cursor === undefined ? undefined : tokens.openCursor(actor.userId, cursor);
      if (cursor !== undefined && before === undefined)
        throw validationFailed([{ field: 'cursor', reason: 'is not a cursor this API returned' }]);
      const limit = request.query.limit ?? 20;
      const page = await events.list(actor.userId, before, limit);
      const last = page.at(-1);
      return {
        items: page.map(eventJson),
        next_cursor: page.length === limit && last !== undefined ? tokens.cursor(actor.userId, last) : null,
      };
    },
  );

  const limit = { max: options.linkRateLimit, windowMs: 60_000 };
  app.get<{ Params: Static<typeof LinkParams> }>(
    '/api/v1/auth/new-device/:token',
    {
      config: { access: 'public', rateLimit: limit },
      schema: {
        summary: 'The page of a new-device alert link: one button that uses it; changes nothing',
        description:
          'Opening the link (a mail scanner may prefetch it) shows an HTML page with the button that sends the POST; it shows nothing about the account or the device. A link that is not valid, was used or has expired shows a page saying so (404).',
        tags: ['auth'],
        params: LinkParams,
        produces: ['text/html'],
        response: { 200: Type.String({ description: 'HTML page' }), 404: Type.String({ description: 'HTML page' }) },
      },
    },
    async (request, reply) => {
      const state = await alerts.state(request.params.token);
      return state?.state === 'pending' ? html(reply, 200, linkPage(state.action)) : html(reply, 404, outcomePage(undefined));
    },
  );

  app.post<{ Params: Static<typeof LinkParams>; Querystring: Static<typeof UseQuery> }>(
    '/api/v1/auth/new-device/:token',
    {
      config: { access: 'public', idempotency: false, rateLimit: limit },
      schema: {
        summary: 'Use a new-device alert link: "this was me" or "this wasn\'t me", without signing in',
        description:
          '"This was me" (`confirm`) marks the device known to the account. "This wasn\'t me" (`revoke`) revokes the session that sign-in opened — every session of the account with `everywhere=true` — on every instance within a second, and mails a password reset to the account. ' +
          'Each link works once (using one spends both) until RAMPART_NEW_DEVICE_LINK_TTL after the sign-in; a link that is not valid, was used or has expired is 401 `token_invalid` and changes nothing. No body is read. ' +
          'A browser (`Accept: text/html`) gets an HTML page; any other client the JSON answer.',
        tags: ['auth'],
        params: LinkParams,
        querystring: UseQuery,
        response: { 200: OutcomeJson },
      },
    },
    async (request, reply) => {
      const page = (request.headers.accept ?? '').includes('text/html');
      try {
        const outcome = await alerts.use(request.params.token, request.query.everywhere === 'true', requestContext(request));
        return page ? html(reply, 200, outcomePage(outcome)) : outcomeJson(outcome);
      } catch (error) {
        if (page && error instanceof Error && 'code' in error && error.code === 'token_invalid')
          return html(reply, 401, outcomePage(undefined));
        throw error;
      }
    },
  );
}
