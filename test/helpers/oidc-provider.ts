/**
 * A real OpenID Provider (panva's `oidc-provider` v9) on loopback, for the federation tests:
 * configurable clients and accounts (each with its own `email` and `email_verified`), its JWKS at
 * `jwksUri`, and {@link TestOidcProvider.authorize}, which drives the provider's own development
 * login and consent pages with plain HTTP requests (no browser): it follows the redirects from an
 * authorization URL, posts the login form as the account named and the consent form, and stops at
 * the redirect to the client — the callback URL with `code`, `state` and `iss`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type Configuration, type JWK } from 'oidc-provider';

/** An account at the provider: its claims. */
export interface ProviderAccount {
  readonly sub: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
}

export interface OidcProviderOptions {
  readonly clients: readonly ClientMetadata[];
  readonly accounts?: readonly ProviderAccount[];
  /** The provider's signing keys (private JWKs); by default the library's development key. */
  readonly jwks?: { keys: JWK[] };
  /** More of the provider's configuration (merged over the helper's). */
  readonly configuration?: Partial<Configuration>;
}

export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`: the issuer, and the base of every endpoint. */
  readonly issuer: string;
  readonly port: number;
  readonly jwksUri: string;
  readonly provider: Provider;
  /** Adds or replaces an account. */
  setAccount(account: ProviderAccount): void;
  /**
   * Signs in as `accountId` at the authorization URL (a real one, from the client's start) and
   * consents: resolves with the redirect back to the client (its `redirect_uri` with `code`…).
   */
  authorize(authorizationUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

/** A minimal cookie jar: names to values, every cookie sent on every request (the provider reads by name). */
class Jar {
  readonly #cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<TestOidcProvider> {
  const accounts = new Map<string, ProviderAccount>((options.accounts ?? []).map((account) => [account.sub, account]));
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [...options.clients],
    ...(options.jwks === undefined ? {} : { jwks: options.jwks }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-cookie-key-not-secret-0123456789'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    // Short lifetimes, said explicitly (the library notices each default it falls back to).
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (account === undefined) return undefined;
      return { accountId: sub, claims: () => ({ ...account }) };
    },
    ...options.configuration,
  });
  // The provider's warnings about development-only defaults are expected here.
  provider.on('server_error', () => undefined);
  server.on('request', provider.callback());

  async function authorize(authorizationUrl: string, accountId: string): Promise<URL> {
    const jar = new Jar();
    let next = new URL(authorizationUrl);
    for (let step = 0; step < 12; step += 1) {
      if (next.origin !== issuer) return next;
      const interaction = /^\/interaction\/([^/]+)$/.exec(next.pathname);
      let response: Response;
      if (interaction !== null) {
        const uid = interaction[1] ?? '';
        const details = await provider.Interaction.find(uid);
        const prompt = details?.prompt.name;
        const form: Record<string, string> =
          prompt === 'login' ? { prompt: 'login', login: accountId, password: 'any' } : { prompt: 'consent' };
        response = await fetch(next, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
        });
      } else {
        response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
      }
      jar.take(response);
      const location = response.headers.get('location');
      if (location === null) throw new Error(`the provider answered ${response.status} at ${next.pathname}: ${await response.text()}`);
      next = new URL(location, next);
    }
    throw new Error('the provider did not redirect back');
  }

  return {
    issuer,
    port,
    jwksUri: `${issuer}/jwks`,
    provider,
    setAccount: (account) => accounts.set(account.sub, account),
    authorize,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
