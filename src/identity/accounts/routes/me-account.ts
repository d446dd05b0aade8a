/** The caller's password and sessions (test/fixtures/spec-api-v1.md, "The caller"). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { secret } from '../../../kernel/domain/secret.js';
import type { Session } from '../../sessions/domain/session.js';
import type { Identity } from '../../compose.js';
import { userActor } from '../../../kernel/http/request-context.js';
import { listCursorsOf, ListQueryProperties, listPageSchema, timePosition } from '../../../kernel/http/cursor.js';
import { NEW_PASSWORD_DESCRIPTION } from '../domain/password-policy.js';

const PasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024 }),
    new_password: Type.String({ minLength: 1, maxLength: 1024, description: NEW_PASSWORD_DESCRIPTION }),
    revoke_api_keys: Type.Optional(Type.Boolean({ description: 'Also revoke every live API key of the caller (default false)' })),
  },
  { additionalProperties: false },
);
const PasswordChangedJson = Type.Object(
  { revoked_api_keys: Type.Array(Type.String(), { description: 'Ids of the API keys this change revoked' }) },
  { additionalProperties: false },
);
export const SessionJson = Type.Object(
  {
    id: Type.String(),
    device_name: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    user_agent: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    last_seen_at: Type.String({ format: 'date-time' }),
    current: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** A session as the caller sees it; `current` when it is the one the request came with. */
export function sessionJson(s: Session, currentSessionId: string | undefined): Static<typeof SessionJson> {
  return {
    id: s.id,
    device_name: s.deviceName,
    ip: s.ip,
    user_agent: s.userAgent,
    created_at: new Date(s.createdAt).toISOString(),
    last_seen_at: new Date(s.lastSeenAt).toISOString(),
    current: s.id === currentSessionId,
  };
}

const SessionsQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const SessionsPage = listPageSchema(SessionJson, "The caller's live sessions; `current` marks the one the request came with");

const RevokeOthersQuery = Type.Object(
  { include_current: Type.Optional(Type.Boolean({ description: 'Also end the session the request comes from (default false)' })) },
  { additionalProperties: false },
);
const RevokedJson = Type.Object(
  { revoked: Type.Integer({ minimum: 0, description: 'How many sessions were ended' }) },
  { additionalProperties: false },
);

const SessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export async function meAccountRoutes(app: FastifyInstance, identity: Pick<Identity, 'accountPassword' | 'mySessions'>): Promise<void> {
  const { accountPassword, mySessions } = identity;
  const tags = ['me'];

  app.post<{ Body: Static<typeof PasswordBody> }>(
    '/api/v1/me/password',
    {
      config: { access: 'authenticated', idempotency: false },
      schema: {
        summary: 'Change the password; every other session is revoked, and with `revoke_api_keys: true` every API key',
        description:
          'The current password is the proof of a fresh authentication: no step-up is needed, and the session counts as stepped up ' +
          "afterwards. A wrong current password: 401 `invalid_credentials`. Each attempt spends one of the account's password " +
          'attempts (RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with `POST /api/v1/auth/step-up`): past them 429 ' +
          '`rate_limited` with Retry-After, and nothing changes. Without `revoke_api_keys` (or with `false`): 204. With ' +
          '`revoke_api_keys: true`: 200 `{revoked_api_keys: [id…]}`, the ids of the keys revoked, at once on every instance.',
        tags,
        body: PasswordBody,
        response: { 200: PasswordChangedJson, 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      const { current_password: current, new_password: next, revoke_api_keys: revokeApiKeys = false } = request.body;
      const changed = await accountPassword.change(actor.userId, actor.sessionId, secret(current), secret(next), actor, { revokeApiKeys });
      if (!revokeApiKeys) return reply.code(204).send();
      return reply.code(200).send({ revoked_api_keys: [...changed.revokedApiKeys] });
    },
  );

  app.get<{ Querystring: Static<typeof SessionsQuery> }>(
    '/api/v1/me/sessions',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "The caller's live sessions",
        description: 'Oldest first (by creation time, then id), a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        querystring: SessionsQuery,
        response: { 200: SessionsPage },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const binding = { list: 'me-sessions', owner: actor.userId };
      return listCursorsOf(request).pageInMemory(
        binding,
        await mySessions.list(actor.userId),
        request.query,
        (s) => timePosition(s.createdAt, s.id),
        (s) => sessionJson(s, actor.sessionId),
      );
    },
  );

  app.delete<{ Querystring: Static<typeof RevokeOthersQuery> }>(
    '/api/v1/me/sessions',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        summary: 'Revoke every other session of the caller, at once on every instance',
        description:
          'Ends every live session of the caller except the one the request comes from (with `include_current=true`, that one too). ' +
          'Needs a fresh authentication (`step_up_required` otherwise, see `POST /api/v1/auth/step-up`). Answers how many sessions it ended.',
        tags,
        querystring: RevokeOthersQuery,
        response: { 200: RevokedJson },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const keep = request.query.include_current === true ? undefined : actor.sessionId;
      return { revoked: await mySessions.revokeOthers(actor.userId, keep, actor) };
    },
  );

  app.delete<{ Params: Static<typeof SessionParams> }>(
    '/api/v1/me/sessions/:id',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        summary: "Revoke one of the caller's sessions (another user's id: 404)",
        description: 'Needs a fresh authentication (`step_up_required` otherwise, see `POST /api/v1/auth/step-up`).',
        tags,
        params: SessionParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      await mySessions.revoke(actor.userId, request.params.id, actor);
      return reply.code(204).send();
    },
  );
}
