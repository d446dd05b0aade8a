/**
 * `/api/v1/me/passkeys*` (spec "Passkeys (WebAuthn)"): the caller's passkeys — registration
 * options, registration, list, rename, delete. Users on a session only (an API key or a service
 * client is 403 `forbidden`). Asking for options and deleting need a fresh authentication
 * (`stepUp`, docs/decisions/012-step-up.md): adding or removing a factor is what a stolen session
 * must not do. Registering and deleting are privilege changes: a cookie session gets a new id.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { NameString } from '../../kernel/http/names.js';
import { DEFAULT_LIST_LIMIT, listCursorsOf, ListQueryProperties, listPageSchema } from '../../kernel/http/cursor.js';
import { userActor } from '../../kernel/http/request-context.js';
import type { Passkey } from '../domain/passkey.js';
import type { Passkeys } from '../compose.js';
import { CreationOptions, RegistrationResponse } from './webauthn-json.js';

const PasskeyName = NameString({ maxLength: 100, description: 'A name the user recognises the passkey by (no control characters)' });

/** A passkey as answers show it: metadata, never key material. */
export const PasskeyJson = Type.Object(
  {
    id: Type.String({ description: '`pk_…`' }),
    name: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    backup_eligible: Type.Boolean({ description: 'The credential may be synced to other devices (a multi-device passkey)' }),
    backed_up: Type.Boolean({ description: 'The credential was backed up (synced) at its last use' }),
    transports: Type.Array(Type.String(), { description: 'How the authenticator reaches a client (`internal`, `usb`, `hybrid`…)' }),
    aaguid: Type.String({ description: "The authenticator model's AAGUID (all zeros when it does not say)" }),
  },
  { additionalProperties: false },
);
const RegisterBody = Type.Object({ name: Type.Optional(PasskeyName), response: RegistrationResponse }, { additionalProperties: false });
const RenameBody = Type.Object({ name: PasskeyName }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const Page = listPageSchema(PasskeyJson, "The caller's passkeys, oldest first");

export function passkeyJson(passkey: Passkey): Static<typeof PasskeyJson> {
  return {
    id: passkey.id,
    name: passkey.name,
    created_at: new Date(passkey.createdAt).toISOString(),
    last_used_at: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt).toISOString(),
    backup_eligible: passkey.backupEligible,
    backed_up: passkey.backedUp,
    transports: [...passkey.transports],
    aaguid: passkey.aaguid,
  };
}

export async function mePasskeyRoutes(app: FastifyInstance, passkeys: Pick<Passkeys, 'registration' | 'mine'>): Promise<void> {
  const tags = ['passkeys'];

  app.post(
    '/api/v1/me/passkeys/options',
    {
      config: { access: 'authenticated', idempotency: false, stepUp: true },
      schema: {
        summary: 'Registration options for a new passkey (WebAuthn `PublicKeyCredentialCreationOptionsJSON`)',
        description:
          'Decode them (`PublicKeyCredential.parseCreationOptionsFromJSON`) and call `navigator.credentials.create`; send the result to ' +
          '`POST /api/v1/me/passkeys` within 5 minutes, from the same session. A discoverable credential with user verification is ' +
          "asked for; the caller's passkeys are excluded. Needs a login or a step-up within RAMPART_STEP_UP_WINDOW (else 401 " +
          '`step_up_required` with `methods`). Users on a session only: an API key or a service client is 403 `forbidden`.',
        tags,
        response: { 200: CreationOptions },
      },
    },
    async (request) => passkeys.registration.options(userActor(request)),
  );

  app.post<{ Body: Static<typeof RegisterBody> }>(
    '/api/v1/me/passkeys',
    {
      config: { access: 'authenticated', idempotency: false },
      schema: {
        summary: 'Register a passkey: verify the `navigator.credentials.create` result and store the credential',
        description:
          '`response` is the `PublicKeyCredential` as JSON (`toJSON()`); `name` defaults to "Passkey". The response must answer ' +
          'options of this session (single use, 5 minutes), be made on an origin of RAMPART_WEBAUTHN_ORIGINS for RAMPART_WEBAUTHN_RP_ID, ' +
          'with user verification: otherwise 400 `validation_failed`. A credential already registered, or an account holding 20 ' +
          'passkeys: 409 `conflict`. The passkey then satisfies the MFA requirement of admins, is offered as a second factor after a ' +
          'password login and as a way to step up. A cookie session gets a new id (new cookie and `X-Rampart-CSRF`).',
        tags,
        body: RegisterBody,
        response: { 201: PasskeyJson },
      },
    },
    async (request, reply) => {
      const { name, response } = request.body;
      const passkey = await passkeys.registration.register(userActor(request), response as RegistrationResponseJSON, name);
      return reply.code(201).send(passkeyJson(passkey));
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/me/passkeys',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "The caller's passkeys, oldest first, by cursor",
        description: 'Metadata only: never key material. `next_cursor` is null on the last page.',
        tags,
        querystring: ListQuery,
        response: { 200: Page },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const cursors = listCursorsOf(request);
      const binding = { list: 'me-passkeys', owner: actor.userId };
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const rows = await passkeys.mine.list(actor.userId, cursors.open(binding, request.query.cursor), limit + 1);
      return cursors.page(binding, rows, limit, (passkey) => passkey.id, passkeyJson);
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof RenameBody> }>(
    '/api/v1/me/passkeys/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "Rename one of the caller's passkeys (another user's id: 404)",
        description: 'A name with a control character is 400 `validation_failed`.',
        tags,
        params: IdParams,
        body: RenameBody,
        response: { 200: PasskeyJson },
      },
    },
    async (request) => passkeyJson(await passkeys.mine.rename(userActor(request), request.params.id, request.body.name)),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/me/passkeys/:id',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        summary: "Delete one of the caller's passkeys (another user's id: 404)",
        description:
          'Removing a factor needs a login or a step-up within RAMPART_STEP_UP_WINDOW (else 401 `step_up_required` with `methods`). ' +
          'A cookie session gets a new id (new cookie and `X-Rampart-CSRF`).',
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await passkeys.mine.remove(userActor(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
