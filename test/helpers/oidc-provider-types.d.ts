/**
 * The part of `oidc-provider` v9 (which ships no type declarations) that test/helpers/oidc-provider.ts
 * uses: the provider, its configuration's shape loosely, and the interaction lookup.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type JWK = Record<string, unknown>;
  export type ClientMetadata = Record<string, unknown> & { client_id: string };
  export interface AccountClaims {
    readonly sub: string;
    readonly [claim: string]: unknown;
  }
  export interface Account {
    readonly accountId: string;
    claims(): AccountClaims | Promise<AccountClaims>;
  }
  export type Configuration = Record<string, unknown> & {
    clients?: ClientMetadata[];
    jwks?: { keys: JWK[] };
    findAccount?: (ctx: unknown, sub: string) => Account | undefined | Promise<Account | undefined>;
  };
  export interface Interaction {
    readonly prompt: { readonly name: string };
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Interaction: { find(uid: string): Promise<Interaction | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
