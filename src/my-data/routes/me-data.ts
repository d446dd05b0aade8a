/**
 * The caller's GDPR routes (test/fixtures/spec-api-v1.md, "The caller"): `GET /api/v1/me/export` (Art. 15/20,
 * one JSON document of everything held on the caller, as an attachment) and `DELETE /api/v1/me`
 * (Art. 17, the caller's erasure, confirmed with the password and, when enrolled, a second-factor
 * code). Users only: an API key or a service client is 403 `forbidden`. There is no user id in
 * either path: a caller reaches only their own data.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { clearSessionCookie } from '../../identity/index.js';
import { secret } from '../../kernel/domain/secret.js';
import type { MyDataServices } from '../compose.js';
import type { PersonalDataSection } from '../../kernel/part.js';
import { EXPORT_AUDIT_LIMIT } from '../../audit/index.js';
import { userActor } from '../../kernel/http/request-context.js';

/**
 * An export with the most audit entries takes seconds of work (≈ 2.5 s for 10,000 entries on
 * SQLite, 3.8 MB): a caller gets at most this many a minute (429 `rate_limited` beyond).
 */
const EXPORT_RATE_LIMIT = { max: 10, windowMs: 60_000 };

/** The export's format name and version: a change of shape is a new version. */
const FORMAT = 'rampart.personal-data-export';
const VERSION = 1;

/** The document's schema: its header, then each capability's sections by key. */
function exportSchema(sections: readonly PersonalDataSection[]): TSchema {
  return Type.Object(
    {
      format: Type.Literal(FORMAT),
      version: Type.Literal(VERSION),
      exported_at: Type.String({ format: 'date-time' }),
      ...Object.fromEntries(sections.map((section) => [section.key, section.schema])),
    },
    { additionalProperties: false },
  );
}

const EraseBody = Type.Object(
  {
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    code: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A TOTP code or a recovery code; required once MFA is enabled' }),
    ),
  },
  { additionalProperties: false },
);

export async function meDataRoutes(app: FastifyInstance, myData: MyDataServices, sections: readonly PersonalDataSection[]): Promise<void> {
  const keys = sections.map((section) => `\`${section.key}\``).join(', ');
  const tags = ['me'];

  app.get(
    '/api/v1/me/export',
    {
      config: { access: 'authenticated', rateLimit: EXPORT_RATE_LIMIT },
      schema: {
        summary: 'Everything held on the caller (GDPR Art. 15/20), as a JSON attachment; users only',
        description:
          `Format \`${FORMAT}\` version ${VERSION}, one section per kind of personal data (${keys}): the account (never a password ` +
          'hash, TOTP secret or recovery-code hash), memberships, every session, API keys (never the key), set-password tokens and ' +
          `second-factor sign-ins (times only), known devices (fingerprints), and the newest ${EXPORT_AUDIT_LIMIT} audit entries whose ` +
          'subject or actor is the caller, personal fields disclosed (`truncated` when older ones exist). Audited as `user.export`. ' +
          'At most 10 a minute per caller (429 `rate_limited`). An API key or service client: 403 `forbidden`.',
        tags,
        response: { 200: exportSchema(sections) },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      const data = await myData.export.export(actor.userId, actor);
      reply.header('content-disposition', `attachment; filename="rampart-export-${actor.userId}.json"`);
      reply.header('cache-control', 'no-store');
      return { format: FORMAT, version: VERSION, exported_at: new Date(data.exportedAt).toISOString(), ...data.sections };
    },
  );

  app.delete<{ Body: Static<typeof EraseBody> }>(
    '/api/v1/me',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "Erase the caller's account (GDPR Art. 17), confirmed with the password (and a second-factor code when enrolled)",
        description:
          'Every session is revoked on every instance, API keys and memberships go, and the audit log erases the personal fields it ' +
          'holds of the caller (`[erased]`; it stays verifiable). Audited as `user.erase` before anything is removed. A wrong password ' +
          'or code: 401 `invalid_credentials`, counted like a failed sign-in (login limits and backoff). MFA enrolled and no `code`: 401 ' +
          '`mfa_required`. An account without a password: 409 `conflict`. The only owner of an org (with or without other members): ' +
          '409 `conflict` naming the orgs — make another member an owner, or delete the org, first. The last active owner of the ' +
          '`system` org: 409 `conflict`. An API key or service client: 403 `forbidden`.',
        tags,
        body: EraseBody,
        response: { 202: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      const { password, code } = request.body;
      await myData.erasure.erase(
        actor.userId,
        { password: secret(password), ...(code === undefined ? {} : { code: secret(code) }) },
        actor,
      );
      if (request.principal?.via === 'cookie') reply.header('set-cookie', clearSessionCookie());
      return reply.code(202).send();
    },
  );
}
