/**
 * The caller's data export (test/fixtures/spec-api-v1.md, "The caller": `GET /api/v1/me/export`, GDPR Art. 15
 * and 20): everything Rampart holds on the calling user, gathered for one machine-readable
 * document — the account, memberships, every session, API keys, set-password tokens, MFA state,
 * pending second-factor logins, known devices and the audit entries about the user. Never a
 * password hash, token, key, TOTP secret or recovery-code hash: the ports read metadata only.
 *
 * The audit part is bounded: the newest {@link EXPORT_AUDIT_LIMIT} entries, with `truncated` set
 * when older ones exist (an admin's `rampart audit export` holds every entry). The export is
 * audited (`user.export`) before anything is read: when the log cannot record, nothing is given.
 */
import type { ApiKey } from '../../credentials/index.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { Membership, User } from '../../identity/index.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { PersonalAuditEntries, PersonalData, PersonalRecords } from '../ports/personal-data.js';
import type { UserStore } from '../../identity/index.js';
import type { ApiKeyService } from '../../credentials/index.js';
import { userAuditEvent, type RequestContext } from '../../kernel/domain/request-context.js';

/** The most audit entries one export carries (newest first); a few MB of JSON at most. */
export const EXPORT_AUDIT_LIMIT = 10_000;
const KEY_PAGE = 200;

export interface MyDataExportOptions {
  readonly users: Pick<UserStore, 'findById' | 'memberships'>;
  readonly apiKeys: Pick<ApiKeyService, 'list'>;
  readonly personal: PersonalData;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** What the export holds, before the HTTP layer writes it as JSON. */
export interface MyData {
  readonly exportedAt: number;
  readonly user: User;
  readonly memberships: readonly Membership[];
  readonly records: PersonalRecords;
  readonly apiKeys: readonly ApiKey[];
  readonly audit: PersonalAuditEntries;
}

export class MyDataExport {
  readonly #o: MyDataExportOptions;

  constructor(options: MyDataExportOptions) {
    this.#o = options;
  }

  async export(userId: string, context: RequestContext): Promise<MyData> {
    const { users, personal, clock } = this.#o;
    const user = await users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    await this.#o.audit.record(userAuditEvent({ userId, action: 'user.export', resource: userId, context }));
    const [memberships, records, apiKeys, audit] = await Promise.all([
      users.memberships(userId),
      personal.records(userId),
      this.#apiKeys(userId),
      personal.auditEntries(userId, EXPORT_AUDIT_LIMIT),
    ]);
    return Object.freeze({ exportedAt: clock.now(), user, memberships, records, apiKeys, audit });
  }

  async #apiKeys(userId: string): Promise<ApiKey[]> {
    const keys: ApiKey[] = [];
    for (;;) {
      const page = await this.#o.apiKeys.list(userId, keys.at(-1)?.id, KEY_PAGE);
      keys.push(...page);
      if (page.length < KEY_PAGE) return keys;
    }
  }
}
