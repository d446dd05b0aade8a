/**
 * `rampart admin recover [--email e] [--link]`: on the machine that holds the data directory and
 * the master key, creates or resets a platform admin (services/admin-recovery.ts) and prints a
 * one-time password — to be changed at the first sign-in — or a set-password link, once, on
 * stdout (`--json`: one JSON line).
 *
 * With the server stopped it starts Rampart for this one change (under the data directory's lock,
 * src/kernel/adapters/fs/data-dir-lock.ts). With a server running on an embedded (SQLite) data
 * directory it asks that server to do it through its local admin socket
 * (src/kernel/adapters/fs/admin-socket.ts), so the change, its audit entry and the revocation of
 * the admin's sessions happen in the process that serves them. On PostgreSQL it works beside any
 * number of running servers: they share the database, and the revocations reach them through the
 * revocation bus.
 */
import type { RampartConfig } from '../../../kernel/config.js';
import type { Output } from '../../../kernel/cli/output.js';
import type { CommandContext } from '../../../kernel/part.js';
import { AdminSocketError, callAdminSocket, type AdminOperation } from '../../../kernel/adapters/fs/admin-socket.js';
import { readLockHolder } from '../../../kernel/adapters/fs/data-dir-lock.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Identity } from '../../compose.js';
import type { Recovered, RecoveryRequest } from '../services/admin-recovery.js';

export interface AdminRecoverOptions {
  readonly email?: string;
  readonly link?: boolean;
}

/** The recovery as the CLI prints it and the admin socket answers it (snake_case, like the API). */
export interface RecoveredJson {
  readonly user_id: string;
  readonly email: string;
  readonly created: boolean;
  readonly sessions_revoked: number;
  readonly password?: string;
  readonly password_change_required: boolean;
  readonly set_password_token?: string;
  readonly set_password_link?: string;
  readonly expires_at?: string;
}

export function recoveredJson(recovered: Recovered): RecoveredJson {
  return {
    user_id: recovered.userId,
    email: recovered.email,
    created: recovered.created,
    sessions_revoked: recovered.sessionsRevoked,
    password_change_required: recovered.password !== undefined,
    ...(recovered.password === undefined ? {} : { password: recovered.password.reveal() }),
    ...(recovered.setPasswordToken === undefined ? {} : { set_password_token: recovered.setPasswordToken.reveal() }),
    ...(recovered.setPasswordLink === undefined ? {} : { set_password_link: recovered.setPasswordLink.reveal() }),
    ...(recovered.expiresAt === undefined ? {} : { expires_at: new Date(recovered.expiresAt).toISOString() }),
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The request, checked: an address of at most 254 characters, `link` a boolean. */
export function recoveryRequestOf(input: Readonly<Record<string, unknown>>): RecoveryRequest {
  const { email, link } = input;
  if (email !== undefined && (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email))) {
    throw new DomainError('validation_failed', 'email: must be an email address');
  }
  if (link !== undefined && typeof link !== 'boolean') throw new DomainError('validation_failed', 'link: must be true or false');
  return { ...(email === undefined ? {} : { email }), ...(link === undefined ? {} : { link }) };
}

/** The operations identity answers on a running server's admin socket. */
export function identityAdminOperations(identity: Pick<Identity, 'adminRecovery'>): Readonly<Record<string, AdminOperation>> {
  return Object.freeze({
    'admin.recover': async (request: Readonly<Record<string, unknown>>) =>
      recoveredJson(await identity.adminRecovery.recover(recoveryRequestOf(request))),
  });
}

function text(result: RecoveredJson, publicUrl: string): string {
  const lines = [`platform admin ${result.email} ${result.created ? 'created' : 'reset'}; ${result.sessions_revoked} session(s) revoked`];
  if (result.password !== undefined) {
    lines.push(`one-time password: ${result.password}`, 'it is shown only this once, and must be changed at the first sign-in');
  }
  if (result.set_password_link !== undefined) {
    lines.push(
      `set-password link (single use, until ${result.expires_at ?? ''}): ${result.set_password_link}`,
      `or: curl -X POST ${publicUrl}/api/v1/auth/password/set -H 'content-type: application/json' -d '{"token":"${result.set_password_token ?? ''}","password":"<a new password>"}'`,
    );
  }
  return lines.join('\n');
}

/** Asks the running server (pid `pid`) to recover the admin; `undefined` with a note when it cannot be asked. */
async function throughServer(
  config: RampartConfig,
  out: Output,
  pid: number,
  request: RecoveryRequest,
): Promise<RecoveredJson | undefined> {
  out.note(`rampart: a server (pid ${pid}) serves ${config.dataDir}: the admin is recovered through it`);
  try {
    return (await callAdminSocket(config.dataDir, { op: 'admin.recover', ...request })) as RecoveredJson;
  } catch (error) {
    if (error instanceof AdminSocketError) {
      out.note(`rampart: the server refused: ${error.message}`);
    } else {
      out.note(
        `rampart: the server (pid ${pid}) holds ${config.dataDir} but its admin socket does not answer: stop it (kill ${pid}) and run this command again`,
      );
    }
    return undefined;
  }
}

/** `rampart admin recover`: exit 0 with the credential printed once; 1 when refused; 2 on bad usage. */
export async function runAdminRecover(
  config: RampartConfig,
  out: Output,
  compose: CommandContext['compose'],
  options: AdminRecoverOptions,
): Promise<number> {
  let request: RecoveryRequest;
  try {
    request = recoveryRequestOf({ ...options });
  } catch (error) {
    out.note(`rampart: --${error instanceof DomainError ? error.detail : 'email: must be an email address'}`);
    return 2;
  }
  const holder = config.databaseUrl === undefined ? readLockHolder(config.dataDir) : undefined;
  let result: RecoveredJson | undefined;
  if (holder?.role === 'serve' && holder.pid !== process.pid) {
    result = await throughServer(config, out, holder.pid, request);
  } else {
    const { facade, close } = await compose(config, 'identity');
    try {
      result = recoveredJson(await facade.adminRecovery.recover(request));
    } finally {
      await close();
    }
  }
  if (result === undefined) return 1;
  out.result(result, text(result, config.publicUrl));
  return 0;
}
