/**
 * The security events of an account's passkeys (`passkey_added`, `passkey_removed`), told to
 * identity's security-event recorder (identity/security/domain/security-event.ts), which stores
 * them for `GET /api/v1/me/security-events` and mails the account. Metadata only: the passkey's
 * id and name, never key material.
 */
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { Passkey } from '../domain/passkey.js';

/** The part of identity's recorder the passkeys use (structural: identity.securityEvents). */
export interface SecurityEventSink {
  record(event: {
    readonly userId: string;
    readonly kind: 'passkey_added' | 'passkey_removed';
    readonly context?: RequestContext;
    readonly details?: Readonly<Record<string, string>>;
  }): Promise<void>;
}

export class PasskeyEvents {
  readonly #sink: SecurityEventSink | undefined;

  constructor(sink: SecurityEventSink | undefined) {
    this.#sink = sink;
  }

  async added(userId: string, passkey: Pick<Passkey, 'id' | 'name'>, context: RequestContext): Promise<void> {
    await this.#sink?.record({ userId, kind: 'passkey_added', context, details: { passkey_id: passkey.id, name: passkey.name } });
  }

  async removed(userId: string, passkey: Pick<Passkey, 'id' | 'name'>, context: RequestContext): Promise<void> {
    await this.#sink?.record({ userId, kind: 'passkey_removed', context, details: { passkey_id: passkey.id, name: passkey.name } });
  }
}
