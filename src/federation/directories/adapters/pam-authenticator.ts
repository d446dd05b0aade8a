/**
 * {@link DirectoryCheck} through the system's PAM stack, by running Debian's `pamtester` (see
 * docs/decisions/026-pam.md for why a child process and not a native addon):
 * `pamtester <service> <user> authenticate acct_mgmt`, the password written to its standard
 * input — never on its command line, where any local user could read it in /proc — and its
 * environment emptied but for PATH and LANG. Exit 0: the password is right and the account
 * valid (not expired, not locked: `acct_mgmt`); anything else is a refusal, and PAM does not say
 * whether the user exists. At most {@link MAX_RUNNING} run at once (a failed PAM attempt sleeps
 * ~2 s in pam_unix): past that, 429 with Retry-After. A helper that does not answer within
 * {@link TIMEOUT_MS} is killed: `service_unavailable`.
 */
import { spawn } from 'node:child_process';
import { DomainError } from '../../../kernel/domain/errors.js';
import { RetryLaterError } from '../../../kernel/domain/retry-later-error.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { Logger } from '../../../kernel/adapters/log/pino-logger.js';
import type { DirectoryCheck, DirectoryVerdict } from '../ports/directory-verdict.js';

const MAX_RUNNING = 8;
const TIMEOUT_MS = 10_000;
/** POSIX portable user names (and Debian's NAME_REGEX): no leading dash, so never an option. */
export const PAM_USERNAME = /^[a-z_][a-z0-9_.-]{0,31}$/;

export interface PamAuthenticatorOptions {
  readonly service: string;
  readonly helper: string;
  readonly logger: Logger;
}

export class PamAuthenticator implements DirectoryCheck {
  readonly #o: PamAuthenticatorOptions;
  #running = 0;

  constructor(options: PamAuthenticatorOptions) {
    this.#o = options;
  }

  async check(username: string, password: Secret<string>): Promise<DirectoryVerdict> {
    const typed = password.reveal();
    // A conversation answer is one line: a password with a newline or NUL cannot be one.
    if (!PAM_USERNAME.test(username) || typed === '' || /[\n\r\0]/.test(typed)) return { kind: 'wrong_password', subject: undefined };
    if (this.#running >= MAX_RUNNING) throw new RetryLaterError(2, 'Too many PAM sign-ins at once; retry shortly');
    this.#running += 1;
    try {
      const code = await this.#run(username, typed);
      return code === 0
        ? { kind: 'proven', person: { subject: username, email: null, name: null, groups: [] } }
        : { kind: 'wrong_password', subject: undefined };
    } finally {
      this.#running -= 1;
    }
  }

  #run(username: string, password: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#o.helper, [this.#o.service, username, 'authenticate', 'acct_mgmt'], {
        stdio: ['pipe', 'ignore', 'ignore'],
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      const unavailable = (what: string): void => {
        clearTimeout(timer);
        this.#o.logger.warn({ service: this.#o.service, err: what }, 'PAM helper failed');
        reject(new DomainError('service_unavailable', 'PAM sign-in is not available right now'));
      };
      child.on('error', (error) => unavailable(error.message));
      child.on('close', (code, signal) => {
        if (signal !== null) return unavailable(`ended by ${signal}`);
        clearTimeout(timer);
        resolve(code ?? 1);
      });
      // A helper that exits before reading (a wrong service) closes the pipe: not an error here.
      child.stdin.on('error', () => undefined);
      child.stdin.end(`${password}\n`);
    });
  }
}
