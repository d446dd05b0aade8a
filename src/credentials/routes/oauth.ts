/**
 * `/api/v1/oauth/token` (RFC 6749 §4.4 `client_credentials`), `/introspect` (RFC 7662) and
 * `/revoke` (RFC 7009), for service clients.
 *
 * These three routes live in a context of their own, for two reasons the RFCs give:
 * - their bodies are `application/x-www-form-urlencoded` (RFC 6749 §4.4.2, RFC 7662 §2.1,
 *   RFC 7009 §2.1): the form parser is added here only, with a 16 KiB limit; every other route
 *   keeps the strict JSON parser. A parameter sent twice is refused (RFC 6749 §3.2);
 * - their errors are OAuth's `{"error", "error_description"}` (RFC 6749 §5.2), not problem+json:
 *   a malformed request is `invalid_request` (400), a failed client authentication
 *   `invalid_client` (401 with `WWW-Authenticate: Basic`). Errors the chain raises before the
 *   handler that are not about the request's content (429, 413, 503) stay problem+json.
 * The client authenticates in the handler (HTTP Basic, or an RFC 7523 assertion in the form), so
 * the routes are `public` to the chain.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../kernel/domain/errors.js';
import { OAuthError } from '../domain/oauth-error.js';
import type { Credentials } from '../compose.js';
import type { ClientAuthentication } from '../services/oauth-service.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../../kernel/http/problem.js';
import { requestContext } from '../../kernel/http/request-context.js';

const FORM = 'application/x-www-form-urlencoded';
const FORM_LIMIT = 16 * 1024;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const Text = Type.String({ maxLength: 8192 });
/** RFC 6749 §3.1: unrecognised parameters are ignored, so the schema admits other strings. */
const ClientForm = {
  client_id: Type.Optional(Type.String({ maxLength: 64 })),
  client_assertion_type: Type.Optional(Type.String({ maxLength: 200 })),
  client_assertion: Type.Optional(Text),
};
const TokenForm = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ maxLength: 100 })),
    scope: Type.Optional(Type.String({ maxLength: 4096 })),
    resource: Type.Optional(
      Type.String({
        maxLength: 500,
        description: "RFC 8707: the application the token is for (its `aud`); one of the client's `audiences`, else 400 `invalid_target`",
      }),
    ),
    audience: Type.Optional(Type.String({ maxLength: 500, description: 'The same as `resource`, by its other common name; not both' })),
    ...ClientForm,
  },
  { additionalProperties: Text },
);
const TokenForTokenForm = Type.Object(
  { token: Text, token_type_hint: Type.Optional(Type.String({ maxLength: 100 })), ...ClientForm },
  { additionalProperties: Text },
);
const OAuthErrorJson = Type.Object(
  { error: Type.String(), error_description: Type.Optional(Type.String()) },
  { description: 'RFC 6749 §5.2 error (not problem+json)' },
);
const TokenJson = Type.Object(
  { access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), scope: Type.String() },
  { additionalProperties: false },
);
const IntrospectionJson = Type.Object(
  {
    active: Type.Boolean(),
    token_type: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    sub: Type.Optional(Type.String()),
    iss: Type.Optional(Type.String()),
    aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    exp: Type.Optional(Type.Integer()),
    iat: Type.Optional(Type.Integer()),
    nbf: Type.Optional(Type.Integer()),
    jti: Type.Optional(Type.String()),
    sid: Type.Optional(Type.String()),
    org: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const Errors = { 400: OAuthErrorJson, 401: OAuthErrorJson };

/** RFC 6749 §4.4.2 form → a plain object of strings; a repeated or prototype-named parameter is refused. */
function parseForm(body: string): Record<string, string> {
  const form: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(body)) {
    if (FORBIDDEN_NAMES.has(name)) throw new OAuthError('invalid_request', `parameter ${name} is not allowed`);
    if (Object.hasOwn(form, name)) throw new OAuthError('invalid_request', `parameter ${name} is repeated`);
    form[name] = value;
  }
  return form;
}

function clientAuthentication(
  request: FastifyRequest,
  form: Static<typeof TokenForm> | Static<typeof TokenForTokenForm>,
): ClientAuthentication {
  const header = request.headers.authorization;
  // The path only: the audience URL is built on RAMPART_PUBLIC_URL, never on the Host header.
  const endpoint = request.routeOptions.url ?? '';
  return {
    ...(header !== undefined && /^basic /i.test(header) ? { basic: header } : {}),
    ...(form.client_assertion_type === undefined ? {} : { assertionType: form.client_assertion_type }),
    ...(form.client_assertion === undefined ? {} : { assertion: form.client_assertion }),
    ...(form.client_id === undefined ? {} : { clientId: form.client_id }),
    endpoint,
  };
}

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  // RFC 6749 §5.2: a client that failed to authenticate is told how to (Basic, or an assertion).
  if (error.status === 401) reply.header('www-authenticate', 'Basic realm="rampart"');
  reply.header('cache-control', 'no-store');
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({ error: error.error, error_description: error.description });
}

/** Errors of the request's content become `invalid_request`; the chain's others stay problem+json. */
function contentError(error: unknown): OAuthError | undefined {
  if (error instanceof OAuthError) return error;
  const framework = error as { validation?: unknown; code?: unknown; statusCode?: unknown };
  if (framework.validation !== undefined) return new OAuthError('invalid_request', 'The request parameters are not valid');
  if (error instanceof DomainError && (error.code === 'validation_failed' || error.code === 'unsupported_media_type')) {
    return new OAuthError('invalid_request', `The body must be ${FORM}`);
  }
  if (framework.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || framework.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new OAuthError('invalid_request', `The body must be ${FORM}`);
  }
  return undefined;
}

export async function oauthRoutes(app: FastifyInstance, credentials: Pick<Credentials, 'oauth'>): Promise<void> {
  const oauth = credentials.oauth;
  await app.register(async (scope) => {
    // Form bodies only: the JSON parser the chain installs does not apply here.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_request, body, done) => {
      try {
        done(null, parseForm(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    scope.setErrorHandler(async (error: unknown, request, reply) => {
      const oauthError = contentError(error);
      if (oauthError !== undefined) return sendOAuthError(reply, oauthError);
      const { problem: body, internal } = toProblem(error, request.requestId || request.id);
      if (internal) request.log.error({ err: error }, 'unexpected error');
      return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
    });
    const tags = ['oauth'];
    const common = { access: 'public', idempotency: false } as const;

    scope.post<{ Body: Static<typeof TokenForm> }>(
      '/api/v1/oauth/token',
      {
        config: common,
        bodyLimit: FORM_LIMIT,
        schema: {
          summary: 'RFC 6749 §4.4 client_credentials grant (form-encoded); errors are RFC 6749 §5.2 JSON, not problem+json',
          tags,
          consumes: [FORM],
          body: TokenForm,
          response: { 200: TokenJson, ...Errors },
        },
      },
      async (request, reply) => {
        const answer = await oauth.token(request.body, clientAuthentication(request, request.body), requestContext(request));
        // RFC 6749 §5.1: the answer holds a token and must not be cached.
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        return answer;
      },
    );

    scope.post<{ Body: Static<typeof TokenForTokenForm> }>(
      '/api/v1/oauth/introspect',
      {
        config: common,
        bodyLimit: FORM_LIMIT,
        schema: {
          summary: 'RFC 7662 token introspection by an authenticated service client; tokens of another org are inactive',
          tags,
          consumes: [FORM],
          body: TokenForTokenForm,
          response: { 200: IntrospectionJson, ...Errors },
        },
      },
      async (request, reply) => {
        const answer = await oauth.introspect(request.body.token, clientAuthentication(request, request.body), requestContext(request));
        reply.header('cache-control', 'no-store');
        return answer;
      },
    );

    scope.post<{ Body: Static<typeof TokenForTokenForm> }>(
      '/api/v1/oauth/revoke',
      {
        config: common,
        bodyLimit: FORM_LIMIT,
        schema: {
          summary: "RFC 7009 revocation of a client's own access token; 200 for unknown tokens",
          tags,
          consumes: [FORM],
          body: TokenForTokenForm,
          response: { 200: Type.Object({}, { additionalProperties: false }), ...Errors },
        },
      },
      async (request) => {
        await oauth.revoke(request.body.token, clientAuthentication(request, request.body), requestContext(request));
        return {};
      },
    );
  });
}
