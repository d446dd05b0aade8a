/**
 * Who a job is, inside and outside its sandbox. Inside: uid and gid 65534, unprivileged, and the
 * only ids mapped in its user namespace. Outside: when the server runs as root, bwrap is started as
 * an unprivileged host account (default nobody, 65534) so that the sandbox's uid maps to that
 * account and never to host root; otherwise it maps to the server's own account.
 */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;

export interface HostUser {
  readonly uid: number;
  readonly gid: number;
}

export const DEFAULT_HOST_USER: HostUser = { uid: 65534, gid: 65534 };

/** The account bwrap runs as, or undefined to run it as the server's own (non-root) account. */
export function hostUserFor(serverUid: number, configured: HostUser | undefined): HostUser | undefined {
  if (serverUid !== 0) return undefined;
  const user = configured ?? DEFAULT_HOST_USER;
  if (!Number.isInteger(user.uid) || !Number.isInteger(user.gid) || user.uid <= 0 || user.gid <= 0) {
    throw new Error('the sandbox host user must be an unprivileged account (uid and gid > 0)');
  }
  return user;
}
