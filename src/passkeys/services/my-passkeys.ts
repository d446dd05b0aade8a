/**
 * The caller's passkeys: list, rename, delete. Rules: only the caller's own passkeys are reachable
 * (another user's id is 404 `not_found`, and nothing changes); a change is recorded before it is
 * made (`passkey.rename`, `passkey.delete`); a deletion tells the account (`passkey_removed`).
 * Deleting needs a fresh authentication (the route's `stepUp`): removing a factor is one of the
 * changes a stolen session must not make.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { userAuditEvent, type UserActor } from '../../kernel/domain/request-context.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Passkey } from '../domain/passkey.js';
import type { PasskeyStore } from '../ports/passkey-store.js';
import type { PasskeyEvents } from './passkey-events.js';

function notFound(): DomainError {
  return new DomainError('not_found', 'No such passkey');
}

export class MyPasskeys {
  readonly #store: PasskeyStore;
  readonly #audit: AuditLog;
  readonly #events: PasskeyEvents;

  constructor(store: PasskeyStore, audit: AuditLog, events: PasskeyEvents) {
    this.#store = store;
    this.#audit = audit;
    this.#events = events;
  }

  list(userId: string, after: string | undefined, limit: number): Promise<readonly Passkey[]> {
    return this.#store.list(userId, after, limit);
  }

  async rename(actor: UserActor, id: string, name: string): Promise<Passkey> {
    await this.#own(actor.userId, id);
    const event = userAuditEvent({ userId: actor.userId, action: 'passkey.rename', resource: id, context: actor });
    return auditedChange(this.#audit, event, async () => {
      const renamed = await this.#store.rename(actor.userId, id, name);
      if (renamed === undefined) throw notFound();
      return renamed;
    });
  }

  async remove(actor: UserActor, id: string): Promise<void> {
    const passkey = await this.#own(actor.userId, id);
    const event = userAuditEvent({ userId: actor.userId, action: 'passkey.delete', resource: id, context: actor });
    await auditedChange(this.#audit, event, async () => {
      if (!(await this.#store.remove(actor.userId, id))) throw notFound();
    });
    await this.#events.removed(actor.userId, passkey, actor);
  }

  async #own(userId: string, id: string): Promise<Passkey> {
    const passkey = (await this.#store.allOf(userId)).find((p) => p.id === id);
    if (passkey === undefined) throw notFound();
    return passkey;
  }
}
