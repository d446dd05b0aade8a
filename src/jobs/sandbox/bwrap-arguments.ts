/**
 * bubblewrap's whole argument list for one run: Rampart owns every option, the caller adds only
 * argv and file names. Nothing secret is ever on it: file contents, the seccomp filter and the
 * generated /etc files come through descriptors; the environment comes through the process's own
 * environment. The profile:
 * - every namespace unshared (user, pid, net, ipc, uts, cgroup, mount), no user namespace inside
 *   (`--disable-userns`), `--die-with-parent`, `--new-session`, all capabilities dropped,
 *   no-new-privileges (bwrap always sets it), an unprivileged uid and gid;
 * - a read-only root of read-only binds of /usr (and the /bin, /lib… symlinks into it), generated
 *   /etc/passwd, group, hosts and nsswitch.conf, a fresh /proc and a minimal, read-only /dev;
 * - one tmpfs of `disk_mb` at /job holding the work directory (/job/work, also /work, the cwd) and
 *   /tmp (/job/tmp): nothing else is writable, no host path at all is;
 * - the job's files (mode 0755, owned by the job) written into the work directory before the job's
 *   first instruction.
 */
import { SANDBOX_GID, SANDBOX_UID } from './sandbox-identity.js';

/** Descriptor numbers of the bwrap process (its stdio array). */
export const FD = {
  seccomp: 3,
  block: 4,
  status: 5,
  firstData: 6,
} as const;

/** The generated /etc files, in the order their descriptors follow {@link FD.firstData}. */
export const ETC_FILES: readonly (readonly [string, string])[] = [
  ['/etc/passwd', `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\njob:x:${SANDBOX_UID}:${SANDBOX_GID}:job:/work:/bin/sh\n`],
  ['/etc/group', `root:x:0:\njob:x:${SANDBOX_GID}:\n`],
  ['/etc/hosts', '127.0.0.1\tlocalhost\n::1\tlocalhost\n'],
  ['/etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files\n'],
];

export const WORK_DIR = '/job/work';

export interface BwrapPlan {
  readonly argv: readonly string[];
  readonly fileNames: readonly string[];
  readonly diskBytes: number;
  /** When false the run has no seccomp filter: a benchmark-only switch (see bubblewrap-sandbox.ts). */
  readonly seccomp: boolean;
}

/** The argument list; file `i` of `fileNames` reads from descriptor `FD.firstData + ETC_FILES.length + i`. */
export function bwrapArguments(plan: BwrapPlan): string[] {
  const args: string[] = [
    '--unshare-all',
    '--unshare-user',
    '--unshare-cgroup',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_GID),
    '--hostname',
    'sandbox',
    '--json-status-fd',
    String(FD.status),
    '--block-fd',
    String(FD.block),
  ];
  if (plan.seccomp) args.push('--seccomp', String(FD.seccomp));
  args.push(
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/sbin',
    '/sbin',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '--perms',
    '0755',
    '--dir',
    '/etc',
    // Debian's /usr/bin links some tools through /etc/alternatives (symlinks into /usr only).
    '--ro-bind-try',
    '/etc/alternatives',
    '/etc/alternatives',
    '--ro-bind-try',
    '/etc/ld.so.cache',
    '/etc/ld.so.cache',
  );
  ETC_FILES.forEach(([where], i) => args.push('--ro-bind-data', String(FD.firstData + i), where));
  args.push('--proc', '/proc', '--dev', '/dev', '--remount-ro', '/dev');
  // `--size` and `--perms` apply to the option right after them.
  args.push('--size', String(plan.diskBytes), '--perms', '0755', '--tmpfs', '/job');
  args.push('--perms', '0755', '--dir', WORK_DIR, '--perms', '1777', '--dir', '/job/tmp');
  args.push('--symlink', 'job/work', '/work', '--symlink', 'job/tmp', '/tmp');
  // The job's own files, executable so that a script can run as `./build.sh` (the job owns them).
  plan.fileNames.forEach((name, i) =>
    args.push('--perms', '0755', '--file', String(FD.firstData + ETC_FILES.length + i), `${WORK_DIR}/${name}`),
  );
  args.push('--remount-ro', '/', '--chdir', WORK_DIR, '--');
  args.push(...plan.argv);
  return args;
}
