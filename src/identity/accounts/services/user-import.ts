/**
 * `rampart user import`: JSON lines `{email, name?, password_hash?}`. A hash must be bcrypt
 * (`$2a$`/`$2b$`) or an argon2id PHC string; it is validated and stored as given, never rehashed —
 * login verifies it and upgrades it to the current argon2id parameters. A taken email is skipped;
 * any other bad line fails with its line number and a reason that never quotes the hash.
 *
 * Given an audit log, each account is recorded as `user.create` (actor `system`, `imported: true`)
 * before it is stored (`auditedChange`): when the log cannot record, the import stops with that
 * error and the account is not created.
 */
import { storedHashProblem } from '../crypto/password-hasher.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import { normaliseEmail } from '../domain/user.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { UserStore } from '../ports/user-store.js';

export interface ImportReport {
  imported: number;
  skipped: number;
  failed: { line: number; reason: string }[];
}

const BCRYPT = /^\$2[ab]\$\d\d\$[./A-Za-z0-9]{53}$/;
const ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const KEYS = new Set(['email', 'name', 'password_hash']);

interface ImportLine {
  readonly email: string;
  readonly name: string | null;
  readonly passwordHash: string | null;
}

/** The line's account, or why it is refused (never quoting the hash). */
export function parseImportLine(text: string): ImportLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).find((key) => !KEYS.has(key));
  if (extra !== undefined) return `unknown field ${JSON.stringify(extra.slice(0, 40))}`;
  const { email, name, password_hash: hash } = record;
  if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email)) return 'email: not an email address';
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 200)) return 'name: 1 to 200 characters';
  if (hash !== undefined) {
    if (typeof hash !== 'string' || !(BCRYPT.test(hash) || ARGON2ID.test(hash))) {
      return 'password_hash: not a bcrypt $2a$/$2b$ or argon2id PHC hash';
    }
    const problem = storedHashProblem(hash);
    if (problem !== undefined) return `password_hash: ${problem}`;
  }
  return {
    email: normaliseEmail(email),
    name: typeof name === 'string' ? name : null,
    passwordHash: typeof hash === 'string' ? hash : null,
  };
}

export class UserImport {
  readonly #users: UserStore;
  readonly #clock: Clock;
  readonly #audit: AuditLog | undefined;

  constructor(users: UserStore, clock: Clock, audit?: AuditLog) {
    this.#users = users;
    this.#clock = clock;
    this.#audit = audit;
  }

  /** Imports the lines (blank ones ignored); `progress` after each. */
  async run(lines: readonly string[], progress: (done: number, total: number) => void): Promise<ImportReport> {
    const report: ImportReport = { imported: 0, skipped: 0, failed: [] };
    for (const [index, text] of lines.entries()) {
      if (text.trim() !== '') await this.#one(text, index + 1, report);
      progress(index + 1, lines.length);
    }
    return report;
  }

  async #one(text: string, line: number, report: ImportReport): Promise<void> {
    const parsed = parseImportLine(text);
    if (typeof parsed === 'string') {
      report.failed.push({ line, reason: parsed });
      return;
    }
    if ((await this.#users.findByEmail(parsed.email)) !== undefined) {
      report.skipped += 1;
      return;
    }
    const id = newId('usr');
    const create = () => this.#users.create({ id, ...parsed, now: this.#clock.now() });
    try {
      if (this.#audit === undefined) await create();
      else await auditedChange(this.#audit, importEvent(id, line), create);
      report.imported += 1;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
      report.skipped += 1;
    }
  }
}

/** The entry of one imported account: by the operator (`system`), never the hash. */
function importEvent(id: string, line: number): AuditEvent {
  return {
    org: SYSTEM_ORG_SLUG,
    actor: { type: 'system', id: null },
    action: 'user.create',
    resource: id,
    result: 'success',
    sourceIp: null,
    requestId: null,
    details: { imported: true, line },
    subject: id,
  };
}
