/**
 * The OIDC and OAuth 2 providers of a deployment (RAMPART_OIDC_PROVIDERS), as data, and the parse
 * of their JSON. Pure: no I/O. A provider is either OpenID Connect (an issuer: discovery, or its
 * endpoints written out) or plain OAuth 2 (explicit endpoints and a profile mapping: GitHub,
 * Bitbucket). A preset fills in a known provider's endpoints and mapping; the deployment gives
 * the client id and secret. Every problem throws an `Error` naming the provider and the field,
 * never echoing a secret.
 */
import { Secret } from '../../../kernel/domain/secret.js';
import { PRESETS, type PresetName } from './oidc-presets.js';

/** How a plain OAuth 2 provider says who the user is and whether the email is verified. */
export interface ProfileMapping {
  /** The user's profile (GitHub `https://api.github.com/user`), read with the access token. */
  readonly userUrl: string;
  /** Field of the profile holding the stable subject (a numeric id or a UUID, never a renameable login). */
  readonly subjectField: string;
  /** Field of the profile holding the email, if any. */
  readonly emailField: string;
  /** Field of the profile holding the display name, if any. */
  readonly nameField: string;
  /** A boolean field of the profile asserting the email verified; without it the profile's email is unverified. */
  readonly emailVerifiedField: string | undefined;
  /**
   * Where the verified addresses are listed, and in which shape: GitHub's `/user/emails`
   * (`[{email, primary, verified}]`) or Bitbucket's `/2.0/user/emails` (`{values: [{email,
   * is_primary, is_confirmed}]}`). The primary address counts, and only when verified.
   */
  readonly emails: { readonly url: string; readonly style: 'github' | 'bitbucket' } | undefined;
}

/** Endpoints written out instead of discovered. */
export interface ProviderEndpoints {
  readonly authorization: string;
  readonly token: string;
  readonly userinfo: string | undefined;
  readonly jwks: string | undefined;
}

export interface OidcProviderConfig {
  /** `[a-z0-9][a-z0-9-]*`: the path segment and the `oidc:<name>` of its identities. */
  readonly name: string;
  /** Shown to users ("Sign in with …"). */
  readonly displayName: string;
  readonly kind: 'oidc' | 'oauth2';
  /** The issuer identifier: what ID tokens must name in `iss` (OIDC); the provider's origin (OAuth 2). */
  readonly issuer: string;
  /** `undefined`: discovery at the issuer (OIDC only). */
  readonly endpoints: ProviderEndpoints | undefined;
  readonly clientId: string;
  /** `undefined`: a public client (PKCE alone). */
  readonly clientSecret: Secret<string> | undefined;
  /** How the client authenticates at the token endpoint. */
  readonly tokenAuth: 'client_secret_basic' | 'client_secret_post' | 'none';
  readonly scopes: readonly string[];
  /** OAuth 2 only. */
  readonly profile: ProfileMapping | undefined;
  /** Whether a first sign-in with a verified email creates an account; `undefined`: RAMPART_SELF_REGISTRATION decides. */
  readonly provision: boolean | undefined;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const KEYS = new Set([
  'preset',
  'display_name',
  'kind',
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'client_id',
  'client_secret',
  'token_auth',
  'scopes',
  'profile',
  'provision',
]);
const PROFILE_KEYS = new Set(['user_url', 'subject', 'email', 'name', 'email_verified', 'emails_url', 'emails_style']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An http(s) URL without credentials or fragment; `what` names it in the error. */
function urlField(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} must be a URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} must be a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${what} must be an https URL`);
  if (url.username !== '' || url.password !== '' || url.hash !== '') throw new Error(`${what} must have no credentials or fragment`);
  return value;
}

function optionalUrl(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : urlField(value, what);
}

function textField(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    throw new Error(`${what} must be a string of 1 to ${max} characters`);
  return value;
}

function fieldName(value: unknown, what: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !FIELD.test(value)) throw new Error(`${what} must be a field name`);
  return value;
}

function profileOf(raw: unknown, what: string): ProfileMapping {
  if (!isObject(raw)) throw new Error(`${what} must be an object`);
  for (const key of Object.keys(raw)) if (!PROFILE_KEYS.has(key)) throw new Error(`${what}.${key} is not a known field`);
  const emailsUrl = optionalUrl(raw.emails_url, `${what}.emails_url`);
  const style = raw.emails_style ?? 'github';
  if (style !== 'github' && style !== 'bitbucket') throw new Error(`${what}.emails_style must be github or bitbucket`);
  return Object.freeze({
    userUrl: urlField(raw.user_url, `${what}.user_url`),
    subjectField: fieldName(raw.subject, `${what}.subject`, 'id'),
    emailField: fieldName(raw.email, `${what}.email`, 'email'),
    nameField: fieldName(raw.name, `${what}.name`, 'name'),
    emailVerifiedField: raw.email_verified === undefined ? undefined : fieldName(raw.email_verified, `${what}.email_verified`, ''),
    emails: emailsUrl === undefined ? undefined : Object.freeze({ url: emailsUrl, style }),
  });
}

function scopesOf(value: unknown, what: string, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length === 0 || value.length > 20) throw new Error(`${what} must be a list of 1 to 20 scopes`);
  return Object.freeze(
    value.map((scope) => {
      if (typeof scope !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/.test(scope)) throw new Error(`${what} holds a malformed scope`);
      return scope;
    }),
  );
}

function endpointsOf(entry: Json, what: string): ProviderEndpoints | undefined {
  if (entry.authorization_endpoint === undefined && entry.token_endpoint === undefined) return undefined;
  return Object.freeze({
    authorization: urlField(entry.authorization_endpoint, `${what}.authorization_endpoint`),
    token: urlField(entry.token_endpoint, `${what}.token_endpoint`),
    userinfo: optionalUrl(entry.userinfo_endpoint, `${what}.userinfo_endpoint`),
    jwks: optionalUrl(entry.jwks_uri, `${what}.jwks_uri`),
  });
}

/** The entry with its preset's fields under it (the entry's own fields win). */
function withPreset(entry: Json, what: string): Json {
  if (entry.preset === undefined) return entry;
  if (typeof entry.preset !== 'string' || !(entry.preset in PRESETS)) {
    throw new Error(`${what}.preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  }
  return { ...PRESETS[entry.preset as PresetName], ...entry };
}

function secretOf(value: unknown, what: string): Secret<string> | undefined {
  if (value === undefined) return undefined;
  // The value is never echoed: only its shape is named.
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024)
    throw new Error(`${what}.client_secret must be a non-empty string`);
  return new Secret(value);
}

function tokenAuthOf(value: unknown, secret: Secret<string> | undefined, what: string): OidcProviderConfig['tokenAuth'] {
  if (secret === undefined) return 'none';
  const auth = value ?? 'client_secret_basic';
  if (auth !== 'client_secret_basic' && auth !== 'client_secret_post')
    throw new Error(`${what}.token_auth must be client_secret_basic or client_secret_post`);
  return auth;
}

/** One provider's entry. */
export function parseProvider(name: string, raw: unknown): OidcProviderConfig {
  const what = `provider "${name}"`;
  if (!NAME.test(name)) throw new Error(`${what}: a name is 1 to 40 of a-z, 0-9 and -, starting with a letter or digit`);
  if (!isObject(raw)) throw new Error(`${what} must be an object`);
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) throw new Error(`${what}.${key} is not a known field`);
  const entry = withPreset(raw, what);
  const kind = entry.kind ?? 'oidc';
  if (kind !== 'oidc' && kind !== 'oauth2') throw new Error(`${what}.kind must be oidc or oauth2`);
  const endpoints = endpointsOf(entry, what);
  if (kind === 'oauth2' && endpoints === undefined)
    throw new Error(`${what}: an oauth2 provider needs authorization_endpoint and token_endpoint`);
  if (kind === 'oauth2' && entry.profile === undefined) throw new Error(`${what}: an oauth2 provider needs a profile mapping`);
  if (kind === 'oidc' && endpoints !== undefined && endpoints.jwks === undefined)
    throw new Error(`${what}: explicit OIDC endpoints need jwks_uri`);
  const clientSecret = secretOf(entry.client_secret, what);
  if (entry.provision !== undefined && typeof entry.provision !== 'boolean') throw new Error(`${what}.provision must be true or false`);
  return Object.freeze({
    name,
    displayName: entry.display_name === undefined ? name : textField(entry.display_name, `${what}.display_name`, 100),
    kind,
    issuer: urlField(entry.issuer, `${what}.issuer`),
    endpoints,
    clientId: textField(entry.client_id, `${what}.client_id`, 512),
    clientSecret,
    tokenAuth: tokenAuthOf(entry.token_auth, clientSecret, what),
    scopes: scopesOf(entry.scopes, `${what}.scopes`, kind === 'oidc' ? ['openid', 'email', 'profile'] : []),
    profile: kind === 'oauth2' ? profileOf(entry.profile, `${what}.profile`) : undefined,
    provision: entry.provision as boolean | undefined,
  });
}

/** The whole variable: a JSON object of providers by name. */
export function parseProviders(json: string): readonly OidcProviderConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('must be a JSON object of providers by name (or the path of a file holding one)');
  }
  if (!isObject(value)) throw new Error('must be a JSON object of providers by name');
  const names = Object.keys(value);
  if (names.length > 50) throw new Error('names at most 50 providers');
  return Object.freeze(names.map((name) => parseProvider(name, value[name])));
}
