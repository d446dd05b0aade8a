/**
 * The caller's data export (test/fixtures/spec-api-v1.md, "The caller": `GET /api/v1/me/export`,
 * GDPR Art. 15 and 20): everything Rampart holds on the calling user, gathered for one
 * machine-readable document from the sections each capability contributes (its `Part`'s
 * `personalData`: the account, memberships, sessions, MFA state and second-factor sign-ins from
 * identity, API keys from the credentials, known devices and audit entries from the audit log…).
 * A capability added later is exported without editing this file. Never a password hash, token,
 * key, TOTP secret or recovery-code hash: the sections read metadata only.
 *
 * The export is audited (`user.export`) before anything is read: when the log cannot record,
 * nothing is given.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import { userAuditEvent, type RequestContext } from '../../kernel/domain/request-context.js';
import type { PersonalDataSection } from '../../kernel/part.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { UserStore } from '../../identity/index.js';

export interface MyDataExportOptions {
  readonly users: Pick<UserStore, 'findById'>;
  /** Every capability's sections, read when an export is asked for. */
  readonly sections: () => readonly PersonalDataSection[];
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** What the export holds, before the HTTP layer writes it as JSON: each section's JSON by its key. */
export interface MyData {
  readonly exportedAt: number;
  readonly sections: Readonly<Record<string, unknown>>;
}

export class MyDataExport {
  readonly #o: MyDataExportOptions;

  constructor(options: MyDataExportOptions) {
    this.#o = options;
  }

  async export(userId: string, context: RequestContext & { readonly sessionId: string | undefined }): Promise<MyData> {
    const { users, clock } = this.#o;
    const user = await users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    await this.#o.audit.record(userAuditEvent({ userId, action: 'user.export', resource: userId, context }));
    const sections = this.#o.sections();
    const read = await Promise.all(sections.map((section) => section.read(userId, { sessionId: context.sessionId })));
    return Object.freeze({ exportedAt: clock.now(), sections: Object.fromEntries(sections.map((section, i) => [section.key, read[i]])) });
  }
}
