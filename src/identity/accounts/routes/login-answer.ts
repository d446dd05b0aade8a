/**
 * The login answer, one for every way of signing in (password, MFA step, OIDC, directories,
 * passkeys): the schemas of its three shapes, and {@link LoginResponder}, which turns a login's
 * outcome into the answer — a token grant with its device token, a browser session cookie, or the
 * MFA challenge. Cookie mode (docs/decisions/007-browser-sessions.md) ends whatever session cookie
 * the browser held (fixation) and needs proof that the login is not cross-site: an allowed Origin,
 * or a flow whose own binding proves it (an OIDC `state` cookie). A `DPoP` header on a token login
 * binds the session's refresh tokens to that key (RFC 9449).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setSessionCookie } from '../../browser/crypto/session-cookie.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import { requestContext } from '../../../kernel/http/request-context.js';
import type { RampartConfig } from '../../../kernel/config.js';
import type { CookieGrant, CookieSessions } from '../../browser/services/cookie-sessions.js';
import type { CsrfPolicy } from '../../browser/services/csrf-policy.js';
import type { DpopService } from '../../browser/services/dpop.js';
import type { MfaChallenge, SessionBinding } from '../../mfa/services/mfa-login.js';
import { FACTOR_METHODS } from '../../mfa/services/second-factor.js';
import type { TokenGrant } from '../../tokens/services/token-grant.js';
import type { User } from '../domain/user.js';
import type { ExternalProof, LoginGrant as LoginOutcomeGrant, LoginService } from '../services/login-service.js';
import { readDeviceCookie, setDeviceCookie } from './device-cookie.js';
import { UserJson, userJson } from './user-json.js';

/** A token grant (refresh's answer). */
export const Grant = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    refresh_token: Type.String(),
    session_id: Type.String(),
    session_expires_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.',
      }),
    ),
    user: UserJson,
  },
  { additionalProperties: false },
);

/** A token login's answer: the grant and the device token to send back at the next login. */
export const LoginGrant = Type.Object(
  {
    ...Grant.properties,
    device_token: Type.String({
      description: 'Send it back as `device_token` at the next login of this account: it passes the account-wide throttle',
    }),
  },
  { additionalProperties: false },
);

/** A cookie login's answer: the session cookie is in `Set-Cookie`, never in the body. */
export const CookieLogin = Type.Object(
  {
    session_id: Type.String(),
    csrf_token: Type.String({ description: 'The value of the X-Rampart-CSRF header for this session' }),
    user: UserJson,
  },
  { additionalProperties: false },
);

/** The login answer of an account with a second factor: no tokens yet. */
export const MfaRequired = Type.Object(
  {
    mfa_required: Type.Literal(true),
    mfa_token: Type.String(),
    methods: Type.Array(Type.Union(FACTOR_METHODS.map((method) => Type.Literal(method)))),
  },
  { additionalProperties: false },
);

/** Every shape a sign-in answers with (the 200 schema of each sign-in route). */
export const LoginAnswer = Type.Union([LoginGrant, CookieLogin, MfaRequired]);
export type LoginAnswerJson = Static<typeof LoginAnswer>;

/** The request context, minimised as `RAMPART_COLLECT_IP` / `RAMPART_COLLECT_USER_AGENT` say (kernel/http/request-context.ts). */
export function contextOf(request: FastifyRequest): RequestContext {
  return requestContext(request);
}

export function grantJson(grant: TokenGrant): Static<typeof Grant> {
  return {
    access_token: grant.accessToken.reveal(),
    token_type: 'Bearer',
    expires_in: grant.expiresIn,
    refresh_token: grant.refreshToken.reveal(),
    session_id: grant.sessionId,
    ...(grant.sessionExpiresAt === undefined ? {} : { session_expires_at: new Date(grant.sessionExpiresAt).toISOString() }),
    user: userJson(grant.user),
  };
}

function cookieLoginJson(grant: CookieGrant): Static<typeof CookieLogin> {
  return { session_id: grant.sessionId, csrf_token: grant.csrfToken.reveal(), user: userJson(grant.user) };
}

export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  // A repeated header is not one proof: treated as a wrong one.
  return Array.isArray(value) ? '' : value;
}

/** `binding` with the device cookie the browser sent, if any: how a new-device alert knows the device (identity/security/). */
function withDevice(request: FastifyRequest, binding: SessionBinding): SessionBinding {
  const deviceToken = readDeviceCookie(request.headers.cookie);
  return deviceToken === undefined ? binding : { ...binding, deviceToken };
}

/** How a sign-in route asks for its session. */
export interface SignInOptions {
  readonly mode?: 'token' | 'cookie' | undefined;
  /** The route's path: the `htu` a DPoP proof on it must name. */
  readonly path: string;
  /**
   * The flow itself proved that the browser started it (an OIDC `state` bound to a `__Host-`
   * cookie): a cookie login then needs no allowed Origin (a provider's redirect is cross-site).
   */
  readonly sameBrowserProven?: boolean;
}

export interface LoginResponderOptions {
  readonly csrf: Pick<CsrfPolicy, 'originAllowed'>;
  readonly dpop: Pick<DpopService, 'verify'>;
  readonly cookieSessions: Pick<CookieSessions, 'endPresented'>;
  readonly login: Pick<LoginService, 'signIn'>;
  readonly config: Pick<RampartConfig, 'publicUrl'>;
}

/** Turns a login's outcome into its answer; and signs in a user whose first factor another module proved. */
export class LoginResponder {
  readonly #o: LoginResponderOptions;

  constructor(options: LoginResponderOptions) {
    this.#o = options;
  }

  /**
   * The session a login (or its MFA step) opens. Cookie mode: the request must come from an
   * allowed origin (login CSRF) unless the flow proved it. Token mode with a `DPoP` header: the
   * proof's key binds the refresh tokens.
   */
  async bindingOf(request: FastifyRequest, options: SignInOptions): Promise<SessionBinding> {
    if (options.mode === 'cookie') {
      if (options.sameBrowserProven !== true && !this.#o.csrf.originAllowed(request.headers)) {
        throw new DomainError('csrf_failed', 'A cookie login needs an allowed Origin or Sec-Fetch-Site: same-origin');
      }
      return withDevice(request, { mode: 'cookie' });
    }
    const proof = headerOf(request, 'dpop');
    if (proof === undefined) return withDevice(request, { mode: 'token' });
    return withDevice(request, {
      mode: 'token',
      dpopJkt: await this.#o.dpop.verify(proof, { method: 'POST', url: new URL(options.path, this.#o.config.publicUrl).href }),
    });
  }

  /** The answer of a login's outcome: sets the session and device cookies on `reply`. */
  async answer(
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: TokenGrant | CookieGrant | LoginOutcomeGrant | MfaChallenge,
  ): Promise<LoginAnswerJson | Static<typeof Grant>> {
    if ('mfaToken' in outcome) return { mfa_required: true, mfa_token: outcome.mfaToken.reveal(), methods: [...outcome.methods] };
    // The device token of decision 011: a cookie (after the session cookie), and in a token answer's body.
    const device: Secret<string> | undefined =
      'deviceToken' in outcome ? (outcome as { deviceToken: Secret<string> }).deviceToken : undefined;
    const deviceCookie = (): void => {
      if (device !== undefined)
        reply.header('set-cookie', setDeviceCookie(device, new URL(this.#o.config.publicUrl).protocol === 'https:'));
    };
    if (!('kind' in outcome)) {
      deviceCookie();
      return device === undefined ? grantJson(outcome) : { ...grantJson(outcome), device_token: device.reveal() };
    }
    // Fixation: whatever session cookie came with the login is dead now; the new one replaces it.
    await this.#o.cookieSessions.endPresented(request.headers.cookie, 'privilege_change');
    reply.header('set-cookie', setSessionCookie(outcome.cookie));
    deviceCookie();
    return cookieLoginJson(outcome);
  }

  /**
   * Signs in `user`, whose first factor another module proved (`proof.firstFactor`: an OIDC
   * provider, a directory, a passkey), exactly as a password login would: the MFA challenge for
   * an enrolled user (unless the proof was multi-factor), else the session in the asked mode.
   * The caller has already checked the proof; a disabled account is refused (401) and audited.
   */
  async complete(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    proof: Omit<ExternalProof, 'binding'>,
    options: SignInOptions,
  ): Promise<LoginAnswerJson> {
    const binding = await this.bindingOf(request, options);
    const outcome = await this.#o.login.signIn(user, { ...proof, binding }, contextOf(request));
    return (await this.answer(request, reply, outcome)) as LoginAnswerJson;
  }
}
