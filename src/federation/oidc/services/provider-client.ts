/**
 * One configured provider, through openid-client v6: the authorization URL of a sign-in
 * (authorization code, PKCE S256, `state`, and `nonce` for OpenID Connect), and the callback's
 * exchange, whose checks are the library's — the authorization response (`state`, RFC 9207 `iss`
 * when the provider announces it), the token response, and the ID token (signature by the
 * provider's JWKS, `iss`, `aud`, `exp`, `iat`, `nonce`). Then the person: the ID token's claims
 * with userinfo's (OIDC), or the profile and email endpoints of a plain OAuth 2 provider. The
 * upstream tokens are used once here and never stored. Discovery is cached once it succeeds (a
 * failure is retried at the next sign-in).
 */
import * as client from 'openid-client';
import { sha256 } from '../../../kernel/crypto/digest.js';
import type { OidcProviderConfig } from '../domain/oidc-provider-config.js';
import { mappedProfile, type ExternalProfile } from '../domain/external-profile.js';

/** What the callback checks against what the start remembered. */
export interface CallbackChecks {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `url` is plain http to this machine: the one place a provider may go without TLS (tests, a local IdP). */
export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && (LOOPBACK_HOSTS.has(parsed.hostname) || parsed.hostname.startsWith('127.'));
}

/** RFC 7636 §4.2: S256 challenge of the verifier. */
export function pkceChallenge(verifier: string): string {
  return sha256(verifier).toString('base64url');
}

function clientAuth(provider: OidcProviderConfig): client.ClientAuth {
  const secret = provider.clientSecret?.reveal();
  if (secret === undefined) return client.None();
  return provider.tokenAuth === 'client_secret_post' ? client.ClientSecretPost(secret) : client.ClientSecretBasic(secret);
}

export class ProviderClient {
  readonly provider: OidcProviderConfig;
  readonly redirectUri: string;
  readonly #fetch: client.CustomFetch;
  #configuration: Promise<client.Configuration> | undefined;

  constructor(provider: OidcProviderConfig, redirectUri: string, fetch: client.CustomFetch) {
    this.provider = provider;
    this.redirectUri = redirectUri;
    this.#fetch = fetch;
  }

  /** The library's view of the provider: discovered, or from the endpoints written out. */
  configuration(): Promise<client.Configuration> {
    this.#configuration ??= this.#configure().catch((error: unknown) => {
      this.#configuration = undefined;
      throw error;
    });
    return this.#configuration;
  }

  async #configure(): Promise<client.Configuration> {
    const { provider } = this;
    const metadata: Partial<client.ClientMetadata> = { redirect_uris: [this.redirectUri], response_types: ['code'] };
    const insecure = isLoopbackHttp(provider.issuer);
    let configuration: client.Configuration;
    if (provider.endpoints === undefined) {
      configuration = await client.discovery(new URL(provider.issuer), provider.clientId, metadata, clientAuth(provider), {
        [client.customFetch]: this.#fetch,
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      });
    } else {
      const { endpoints } = provider;
      const server: client.ServerMetadata = {
        issuer: provider.issuer,
        authorization_endpoint: endpoints.authorization,
        token_endpoint: endpoints.token,
        ...(endpoints.userinfo === undefined ? {} : { userinfo_endpoint: endpoints.userinfo }),
        ...(endpoints.jwks === undefined ? {} : { jwks_uri: endpoints.jwks }),
      };
      configuration = new client.Configuration(server, provider.clientId, metadata, clientAuth(provider));
      configuration[client.customFetch] = this.#fetch;
      if (insecure || Object.values(endpoints).some((url) => url !== undefined && isLoopbackHttp(url)))
        client.allowInsecureRequests(configuration);
    }
    configuration.timeout = 15;
    return configuration;
  }

  /** Where the browser goes to sign in at the provider. */
  async authorizationUrl(checks: CallbackChecks): Promise<URL> {
    const parameters: Record<string, string> = {
      redirect_uri: this.redirectUri,
      response_type: 'code',
      state: checks.state,
      code_challenge: pkceChallenge(checks.verifier),
      code_challenge_method: 'S256',
    };
    if (this.provider.scopes.length > 0) parameters.scope = this.provider.scopes.join(' ');
    if (this.provider.kind === 'oidc') parameters.nonce = checks.nonce;
    return client.buildAuthorizationUrl(await this.configuration(), parameters);
  }

  /**
   * The person the callback at `callbackUrl` (the redirect URI with the provider's query) proves,
   * after the library's checks. Rejects on any failed check, a provider error, or a provider that
   * cannot be reached.
   */
  async profile(callbackQuery: URLSearchParams, checks: CallbackChecks): Promise<ExternalProfile> {
    const configuration = await this.configuration();
    const current = new URL(this.redirectUri);
    current.search = callbackQuery.toString();
    const oidc = this.provider.kind === 'oidc';
    const tokens = await client.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: checks.verifier,
      expectedState: checks.state,
      ...(oidc ? { expectedNonce: checks.nonce, idTokenExpected: true } : {}),
    });
    if (oidc) return this.#oidcProfile(configuration, tokens);
    return this.#oauthProfile(configuration, tokens.access_token);
  }

  async #oidcProfile(
    configuration: client.Configuration,
    tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  ): Promise<ExternalProfile> {
    const claims = tokens.claims();
    if (claims === undefined) throw new Error('no ID token');
    let merged: Record<string, unknown> = { ...claims };
    // An ID token of a code flow often carries only `sub`: userinfo (for the same `sub`, checked by the library) adds the rest.
    if (claims.email === undefined && configuration.serverMetadata().userinfo_endpoint !== undefined) {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      merged = { ...info, ...claims };
    }
    return mappedProfile(
      merged,
      { subjectField: 'sub', emailField: 'email', nameField: 'name', emailVerifiedField: 'email_verified' },
      undefined,
    );
  }

  async #oauthProfile(configuration: client.Configuration, accessToken: string): Promise<ExternalProfile> {
    const mapping = this.provider.profile;
    if (mapping === undefined) throw new Error('no profile mapping');
    const user = await this.#getJson(configuration, accessToken, mapping.userUrl);
    const emails =
      mapping.emails === undefined
        ? undefined
        : { style: mapping.emails.style, body: await this.#getJson(configuration, accessToken, mapping.emails.url) };
    return mappedProfile(user, mapping, emails);
  }

  async #getJson(configuration: client.Configuration, accessToken: string, url: string): Promise<unknown> {
    // GitHub's API refuses requests without a User-Agent.
    const headers = new Headers({ accept: 'application/json', 'user-agent': 'Rampart' });
    const response = await client.fetchProtectedResource(configuration, accessToken, new URL(url), 'GET', undefined, headers);
    if (!response.ok) throw new Error(`the profile endpoint answered ${response.status}`);
    return response.json();
  }
}
