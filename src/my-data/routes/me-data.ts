/**
 * The caller's GDPR routes (test/fixtures/spec-api-v1.md, "The caller"): `GET /api/v1/me/export` (Art. 15/20,
 * one JSON document of everything held on the caller, as an attachment) and `DELETE /api/v1/me`
 * (Art. 17, the caller's erasure, confirmed with the password and, when enrolled, a second-factor
 * code). Users only: an API key or a service client is 403 `forbidden`. There is no user id in
 * either path: a caller reaches only their own data.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { clearSessionCookie } from '../../identity/index.js';
import { secret } from '../../kernel/domain/secret.js';
import type { MyDataServices } from '../compose.js';
import { EXPORT_AUDIT_LIMIT, type MyData } from '../services/my-data-export.js';
import { KeyJson, keyJson } from '../../credentials/index.js';
import { SessionJson, sessionJson } from '../../identity/index.js';
import { Entry } from '../../audit/index.js';
import { userActor } from '../../kernel/http/request-context.js';
import { UserJson, userJson } from '../../identity/index.js';

/**
 * An export with the most audit entries takes seconds of work (≈ 2.5 s for 10,000 entries on
 * SQLite, 3.8 MB): a caller gets at most this many a minute (429 `rate_limited` beyond).
 */
const EXPORT_RATE_LIMIT = { max: 10, windowMs: 60_000 };

/** The export's format name and version: a change of shape is a new version. */
const FORMAT = 'rampart.personal-data-export';
const VERSION = 1;

const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);
const Row = <T extends Parameters<typeof Type.Object>[0]>(properties: T) => Type.Object(properties, { additionalProperties: false });

const Export = Row({
  format: Type.Literal(FORMAT),
  version: Type.Literal(VERSION),
  exported_at: Time,
  account: Row({
    ...UserJson.properties,
    updated_at: Time,
    password_set: Type.Boolean(),
    password_changed_at: MaybeTime,
    failed_logins: Type.Integer({ description: 'consecutive failed sign-ins' }),
    login_backoff_until: MaybeTime,
    mfa: Row({
      enabled: Type.Boolean(),
      totp_created_at: MaybeTime,
      totp_confirmed_at: MaybeTime,
      recovery_codes: Row({ total: Type.Integer(), unused: Type.Integer() }),
    }),
  }),
  memberships: Type.Array(Row({ org_id: Type.String(), org_slug: Type.String(), role: Type.String() })),
  sessions: Type.Array(
    Row({ ...SessionJson.properties, expires_at: Time, revoked_at: MaybeTime, revoke_reason: Type.Union([Type.String(), Type.Null()]) }),
    { description: 'every session, revoked and expired ones included' },
  ),
  api_keys: Type.Array(KeyJson),
  set_password_tokens: Type.Array(Row({ created_at: Time, expires_at: Time, used_at: MaybeTime })),
  mfa_challenges: Type.Array(
    Row({
      device_name: Type.Union([Type.String(), Type.Null()]),
      attempts: Type.Integer(),
      created_at: Time,
      expires_at: Time,
      consumed_at: MaybeTime,
    }),
    { description: 'sign-ins that waited for a second factor' },
  ),
  known_devices: Type.Array(Row({ fingerprint: Type.String({ description: 'SHA-256 of the user id and user agent' }), first_seen: Time }), {
    description: 'devices the new-device alert knows',
  }),
  audit: Row({
    entries: Type.Array(
      Row({
        ...Entry.properties,
        withheld: Type.Optional(
          Type.Array(Type.String(), {
            description: "fields of another person left out (GDPR Art. 15(4)): the actor's request context, another subject's details",
          }),
        ),
      }),
    ),
    truncated: Type.Boolean({ description: `more than the newest ${EXPORT_AUDIT_LIMIT} entries exist` }),
    limit: Type.Integer(),
  }),
});

const EraseBody = Type.Object(
  {
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    code: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A TOTP code or a recovery code; required once MFA is enabled' }),
    ),
  },
  { additionalProperties: false },
);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function exportJson(data: MyData, currentSessionId: string | undefined): Static<typeof Export> {
  const { user, records } = data;
  return {
    format: FORMAT,
    version: VERSION,
    exported_at: new Date(data.exportedAt).toISOString(),
    account: {
      ...userJson(user),
      updated_at: new Date(user.updatedAt).toISOString(),
      password_set: user.passwordHash !== null,
      password_changed_at: iso(user.passwordChangedAt),
      failed_logins: user.failedLogins,
      login_backoff_until: iso(user.nextLoginAt),
      mfa: {
        enabled: (records.mfa.totp?.confirmedAt ?? null) !== null,
        totp_created_at: iso(records.mfa.totp?.createdAt ?? null),
        totp_confirmed_at: iso(records.mfa.totp?.confirmedAt ?? null),
        recovery_codes: records.mfa.recoveryCodes,
      },
    },
    memberships: data.memberships.map((m) => ({ org_id: m.orgId, org_slug: m.orgSlug, role: m.role })),
    sessions: records.sessions.map((s) => ({
      ...sessionJson(s, currentSessionId),
      expires_at: new Date(s.expiresAt).toISOString(),
      revoked_at: iso(s.revokedAt),
      revoke_reason: s.revokeReason,
    })),
    api_keys: data.apiKeys.map(keyJson),
    set_password_tokens: records.passwordTokens.map((t) => ({
      created_at: new Date(t.createdAt).toISOString(),
      expires_at: new Date(t.expiresAt).toISOString(),
      used_at: iso(t.usedAt),
    })),
    mfa_challenges: records.mfaChallenges.map((c) => ({
      device_name: c.deviceName,
      attempts: c.attempts,
      created_at: new Date(c.createdAt).toISOString(),
      expires_at: new Date(c.expiresAt).toISOString(),
      consumed_at: iso(c.consumedAt),
    })),
    known_devices: records.knownDevices.map((d) => ({ fingerprint: d.fingerprint, first_seen: new Date(d.firstSeen).toISOString() })),
    audit: {
      // The reader's views are the listing's Entry shape (audit/crypto/audit-leaf.ts `auditEntryView`), plus `withheld`.
      entries: data.audit.entries as Static<typeof Export>['audit']['entries'],
      truncated: data.audit.truncated,
      limit: EXPORT_AUDIT_LIMIT,
    },
  };
}

export async function meDataRoutes(app: FastifyInstance, myData: MyDataServices): Promise<void> {
  const tags = ['me'];

  app.get(
    '/api/v1/me/export',
    {
      config: { access: 'authenticated', rateLimit: EXPORT_RATE_LIMIT },
      schema: {
        summary: 'Everything held on the caller (GDPR Art. 15/20), as a JSON attachment; users only',
        description:
          `Format \`${FORMAT}\` version ${VERSION}: the account (never a password hash, TOTP secret or recovery-code hash), memberships, ` +
          'every session, API keys (never the key), set-password tokens and second-factor sign-ins (times only), known devices ' +
          `(fingerprints), and the newest ${EXPORT_AUDIT_LIMIT} audit entries whose subject or actor is the caller, personal fields ` +
          'disclosed (`truncated` when older ones exist). Audited as `user.export`. At most 10 a minute per caller (429 `rate_limited`). ' +
          'An API key or service client: 403 `forbidden`.',
        tags,
        response: { 200: Export },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      const data = await myData.export.export(actor.userId, actor);
      reply.header('content-disposition', `attachment; filename="rampart-export-${actor.userId}.json"`);
      reply.header('cache-control', 'no-store');
      return exportJson(data, actor.sessionId);
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
