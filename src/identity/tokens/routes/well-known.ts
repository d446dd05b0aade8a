/**
 * `/.well-known/jwks.json` (RFC 7517 §5: the active and retiring access-token keys) and
 * `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3 / RFC 8414 §2 metadata).
 */
import type { FastifyInstance } from 'fastify';
import type { RampartConfig } from '../../../kernel/config.js';
import type { TokenService } from '../services/token-service.js';

export async function wellKnownRoutes(app: FastifyInstance, config: RampartConfig, tokens: TokenService): Promise<void> {
  app.get(
    '/.well-known/jwks.json',
    {
      config: { access: 'public' },
      schema: { summary: 'Public keys of the access-token signer (active and retiring)', tags: ['discovery'] },
    },
    async (_request, reply) => {
      // Short: a relying party sees a new key well before the old one retires (1 h).
      reply.header('cache-control', 'public, max-age=300');
      return tokens.jwks();
    },
  );

  app.get(
    '/.well-known/openid-configuration',
    { config: { access: 'public' }, schema: { summary: 'Authorization-server metadata', tags: ['discovery'] } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      const base = config.publicUrl;
      return {
        issuer: base,
        jwks_uri: `${base}/.well-known/jwks.json`,
        // Only what exists is advertised. Password login and refresh are Rampart's own
        // `/api/v1/auth/*`, not OAuth grants; service clients use the OAuth endpoints below.
        token_endpoint: `${base}/api/v1/oauth/token`,
        introspection_endpoint: `${base}/api/v1/oauth/introspect`,
        revocation_endpoint: `${base}/api/v1/oauth/revoke`,
        grant_types_supported: ['client_credentials'],
        // RFC 8414 §2: how clients authenticate at each (RFC 6749 §2.3.1; RFC 7523 §2.2).
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: [
          'EdDSA',
          'ES256',
          'ES384',
          'ES512',
          'RS256',
          'RS384',
          'RS512',
          'PS256',
          'PS384',
          'PS512',
        ],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
        // RFC 9068 access tokens, signed with the keyring's algorithms (EdDSA by default).
        id_token_signing_alg_values_supported: tokens.algorithms(),
        access_token_signing_alg_values_supported: tokens.algorithms(),
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
        scopes_supported: [],
      };
    },
  );
}
