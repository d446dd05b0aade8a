/**
 * `/api/v1/users*` (test/fixtures/spec-api-v1.md, "Platform users"), every route `users.manage` on the platform.
 * Also registers the caller's password and sessions routes (me-account.ts) and the public account
 * routes (account.ts), so that compose.ts registers one function per resource family. Answers that
 * carry a set-password token opt out of Idempotency-Key replay and are never stored.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { secret } from '../../../kernel/domain/secret.js';
import { NameString } from '../../../kernel/http/names.js';
import { DEFAULT_LIST_LIMIT, listCursorsOf, ListQueryProperties, listPageSchema } from '../../../kernel/http/cursor.js';
import type { RampartConfig } from '../../../kernel/config.js';
import type { Identity } from '../../compose.js';
import { accountRoutes } from './account.js';
import { meAccountRoutes } from './me-account.js';
import { userActor } from '../../../kernel/http/request-context.js';
import { UserJson, userJson } from './user-json.js';
import { NEW_PASSWORD_DESCRIPTION } from '../domain/password-policy.js';

const MANAGE = { permission: 'users.manage', scope: 'platform' } as const;
const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' });
/** A display name: shown in consoles and logs, so no control characters (kernel/http/names.ts). */
const Name = NameString({ maxLength: 200 });

const CreateBody = Type.Object(
  {
    email: Email,
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: NEW_PASSWORD_DESCRIPTION })),
    name: Type.Optional(Name),
  },
  { additionalProperties: false },
);
const Created = Type.Object(
  {
    ...UserJson.properties,
    set_password_token: Type.Optional(Type.String({ description: 'One-time; POST it to /api/v1/auth/password/set within 24 h' })),
    set_password_token_expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ ...ListQueryProperties, email: Type.Optional(Email) }, { additionalProperties: false });
const Page = listPageSchema(UserJson, 'Accounts, in a stable order (by id)');
/** The platform's one list of users: the same for every caller allowed to read it. */
const USERS = { list: 'users', owner: 'platform' } as const;
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const PatchBody = Type.Object(
  { disabled: Type.Optional(Type.Boolean()), name: Type.Optional(Type.Union([Name, Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);

export async function userRoutes(
  app: FastifyInstance,
  identity: Pick<Identity, 'userAdmin' | 'accountPassword' | 'mySessions' | 'registration'>,
  config: Pick<RampartConfig, 'loginRateLimit'>,
): Promise<void> {
  const admin = identity.userAdmin;
  const tags = ['users'];

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/users',
    {
      config: { access: MANAGE, idempotency: false },
      schema: {
        summary: 'Create a user; without a password, a one-time set-password token is returned once',
        tags,
        body: CreateBody,
        response: { 201: Created },
      },
    },
    async (request, reply) => {
      const { email, password, name } = request.body;
      const created = await admin.create(
        { email, ...(name === undefined ? {} : { name }), ...(password === undefined ? {} : { password: secret(password) }) },
        userActor(request),
      );
      const token = created.passwordToken;
      const expires = created.passwordTokenExpiresAt;
      return reply.code(201).send({
        ...userJson(created.user),
        ...(token === undefined ? {} : { set_password_token: token.reveal() }),
        ...(expires === undefined ? {} : { set_password_token_expires_at: new Date(expires).toISOString() }),
      });
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/users',
    {
      config: { access: MANAGE },
      schema: { summary: 'List users by cursor, in a stable order', tags, querystring: ListQuery, response: { 200: Page } },
    },
    async (request) => {
      const cursors = listCursorsOf(request);
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const users = await admin.list(cursors.open(USERS, request.query.cursor), limit + 1, request.query.email);
      return cursors.page(USERS, users, limit, (user) => user.id, userJson);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/users/:id',
    { config: { access: MANAGE }, schema: { summary: 'Read a user', tags, params: IdParams, response: { 200: UserJson } } },
    async (request) => userJson(await admin.get(request.params.id)),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof PatchBody> }>(
    '/api/v1/users/:id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Disable/enable or rename a user; disabling revokes every session at once',
        tags,
        params: IdParams,
        body: PatchBody,
        response: { 200: UserJson },
      },
    },
    async (request) => userJson(await admin.update(request.params.id, request.body, userActor(request))),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/users/:id',
    {
      config: { access: MANAGE },
      schema: { summary: 'Erase a user, revoking every session first', tags, params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await admin.erase(request.params.id, userActor(request));
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/users/:id/sessions/revoke',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Revoke every session and refresh token of a user at once',
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await admin.revokeSessions(request.params.id, userActor(request));
      return reply.code(204).send();
    },
  );

  await meAccountRoutes(app, identity);
  await accountRoutes(app, identity, config);
}
