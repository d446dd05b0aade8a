/**
 * The providers named on the pages, written out: their real endpoints and how each says that an
 * email is verified. A deployment's entry `{ "preset": "github", "client_id": …, "client_secret": … }`
 * takes these fields and may override any of them (a self-managed GitLab's `issuer`).
 *
 * - Google: OpenID Connect; the ID token's `email_verified` claim.
 * - GitLab: OpenID Connect (gitlab.com, or a self-managed instance's URL as `issuer`); `email_verified`.
 * - LinkedIn: OpenID Connect ("Sign In with LinkedIn using OpenID Connect"); `email_verified` from
 *   userinfo; its token endpoint takes the client secret in the body.
 * - GitHub: plain OAuth 2; the numeric `id` of `/user` is the subject (a login can be renamed), and
 *   an email counts only as the primary entry of `/user/emails` with `verified: true`.
 * - Bitbucket: plain OAuth 2; the `uuid` of `/2.0/user` is the subject, and an email counts only as
 *   the primary entry of `/2.0/user/emails` with `is_confirmed: true`.
 */

export type PresetName = 'google' | 'gitlab' | 'linkedin' | 'github' | 'bitbucket';

export const PRESETS: Readonly<Record<PresetName, Readonly<Record<string, unknown>>>> = Object.freeze({
  google: Object.freeze({
    display_name: 'Google',
    kind: 'oidc',
    issuer: 'https://accounts.google.com',
    scopes: ['openid', 'email', 'profile'],
  }),
  gitlab: Object.freeze({
    display_name: 'GitLab',
    kind: 'oidc',
    issuer: 'https://gitlab.com',
    scopes: ['openid', 'email', 'profile'],
  }),
  linkedin: Object.freeze({
    display_name: 'LinkedIn',
    kind: 'oidc',
    issuer: 'https://www.linkedin.com/oauth',
    scopes: ['openid', 'email', 'profile'],
    token_auth: 'client_secret_post',
  }),
  github: Object.freeze({
    display_name: 'GitHub',
    kind: 'oauth2',
    issuer: 'https://github.com',
    authorization_endpoint: 'https://github.com/login/oauth/authorize',
    token_endpoint: 'https://github.com/login/oauth/access_token',
    scopes: ['read:user', 'user:email'],
    profile: Object.freeze({
      user_url: 'https://api.github.com/user',
      subject: 'id',
      email: 'email',
      name: 'name',
      emails_url: 'https://api.github.com/user/emails',
      emails_style: 'github',
    }),
  }),
  bitbucket: Object.freeze({
    display_name: 'Bitbucket',
    kind: 'oauth2',
    issuer: 'https://bitbucket.org',
    authorization_endpoint: 'https://bitbucket.org/site/oauth2/authorize',
    token_endpoint: 'https://bitbucket.org/site/oauth2/access_token',
    scopes: ['account', 'email'],
    profile: Object.freeze({
      user_url: 'https://api.bitbucket.org/2.0/user',
      subject: 'uuid',
      email: 'email',
      name: 'display_name',
      emails_url: 'https://api.bitbucket.org/2.0/user/emails',
      emails_style: 'bitbucket',
    }),
  }),
});
