/**
 * The job sandbox's seccomp filter, generated here as classic BPF (no libseccomp at run time) and
 * handed to bubblewrap through `--seccomp FD`. It guarantees:
 * - a syscall made under any architecture other than x86_64 or aarch64 (i386 `int 0x80` from a
 *   64-bit process, x32) kills the process: the numbers below would mean other calls there;
 * - every call in {@link DENIED_SYSCALLS} fails with EPERM: what container runtimes deny by default
 *   (ptrace, mount, keyctl, bpf, perf_event_open, userfaultfd, kexec, module loading, …);
 * - `clone` and `unshare` fail with EPERM when asked for a new namespace; `clone3` fails with ENOSYS
 *   (its flags live in memory that BPF cannot read), so libc falls back to `clone`, which is checked;
 * - `ioctl(fd, TIOCSTI | TIOCLINUX, …)` fails with EPERM (no typing into a terminal);
 * - `personality` accepts only the values Docker's default profile accepts.
 * Everything else is allowed: namespaces, the read-only root and the limits do the rest.
 */

/** `struct seccomp_data` offsets: nr (u32), arch (u32), instruction_pointer (u64), args[6] (u64). */
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
/** The low 32 bits of argument `i` (little-endian on both supported architectures). */
const argLow = (i: number): number => 16 + 8 * i;

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
/** x32 syscalls carry this bit in `nr` under AUDIT_ARCH_X86_64. */
export const X32_SYSCALL_BIT = 0x40000000;

export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const EPERM = 1;
export const ENOSYS = 38;

/** Classic BPF opcodes used here (linux/bpf_common.h). */
export const BPF = {
  LD_W_ABS: 0x20,
  JMP_JA: 0x05,
  JMP_JEQ_K: 0x15,
  JMP_JGE_K: 0x35,
  JMP_JSET_K: 0x45,
  RET_K: 0x06,
} as const;

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** `unshare` also takes CLONE_NEWTIME (in `clone` that bit is part of the exit signal). */
export const CLONE_NEWTIME = 0x00000080;
export const TIOCSTI = 0x5412;
export const TIOCLINUX = 0x541c;
/** The `personality` values Docker's default profile allows (0xffffffff only queries). */
export const ALLOWED_PERSONALITIES: readonly number[] = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** Denied outright with EPERM (Docker's default profile and the list). */
export const DENIED_SYSCALLS: readonly string[] = [
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'pidfd_getfd',
  'kcmp',
  'mount',
  'umount2',
  'pivot_root',
  'move_mount',
  'open_tree',
  'fsopen',
  'fsconfig',
  'fsmount',
  'fspick',
  'mount_setattr',
  'setns',
  'keyctl',
  'add_key',
  'request_key',
  'bpf',
  'perf_event_open',
  'userfaultfd',
  'kexec_load',
  'kexec_file_load',
  'init_module',
  'finit_module',
  'delete_module',
  'create_module',
  'get_kernel_syms',
  'query_module',
  'open_by_handle_at',
  'name_to_handle_at',
  'acct',
  'swapon',
  'swapoff',
  'reboot',
  'sethostname',
  'setdomainname',
  'settimeofday',
  'clock_settime',
  'clock_adjtime',
  'adjtimex',
  'syslog',
  'quotactl',
  'quotactl_fd',
  'lookup_dcookie',
  'uselib',
  'vhangup',
  'fanotify_init',
  'iopl',
  'ioperm',
  'nfsservctl',
  '_sysctl',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'move_pages',
  'migrate_pages',
];

/** Calls whose arguments are checked (see the module comment). */
export const CHECKED_SYSCALLS: readonly string[] = ['clone', 'clone3', 'unshare', 'ioctl', 'personality'];

export interface SyscallArch {
  readonly name: 'x86_64' | 'aarch64';
  readonly auditArch: number;
  /** Syscall numbers by name; a name absent here does not exist on the architecture. */
  readonly numbers: Readonly<Record<string, number>>;
}

/** Numbers from linux's arch/x86/entry/syscalls/syscall_64.tbl. */
export const X86_64: SyscallArch = {
  name: 'x86_64',
  auditArch: AUDIT_ARCH_X86_64,
  numbers: {
    ioctl: 16,
    clone: 56,
    ptrace: 101,
    syslog: 103,
    uselib: 134,
    personality: 135,
    vhangup: 153,
    pivot_root: 155,
    _sysctl: 156,
    adjtimex: 159,
    acct: 163,
    settimeofday: 164,
    mount: 165,
    umount2: 166,
    swapon: 167,
    swapoff: 168,
    reboot: 169,
    sethostname: 170,
    setdomainname: 171,
    iopl: 172,
    ioperm: 173,
    create_module: 174,
    init_module: 175,
    delete_module: 176,
    get_kernel_syms: 177,
    query_module: 178,
    quotactl: 179,
    nfsservctl: 180,
    lookup_dcookie: 212,
    clock_settime: 227,
    kexec_load: 246,
    add_key: 248,
    request_key: 249,
    keyctl: 250,
    migrate_pages: 256,
    unshare: 272,
    move_pages: 279,
    perf_event_open: 298,
    fanotify_init: 300,
    name_to_handle_at: 303,
    open_by_handle_at: 304,
    clock_adjtime: 305,
    setns: 308,
    process_vm_readv: 310,
    process_vm_writev: 311,
    kcmp: 312,
    finit_module: 313,
    kexec_file_load: 320,
    bpf: 321,
    userfaultfd: 323,
    io_uring_setup: 425,
    io_uring_enter: 426,
    io_uring_register: 427,
    open_tree: 428,
    move_mount: 429,
    fsopen: 430,
    fsconfig: 431,
    fsmount: 432,
    fspick: 433,
    clone3: 435,
    pidfd_getfd: 438,
    mount_setattr: 442,
    quotactl_fd: 443,
  },
};

/** Numbers from linux's include/uapi/asm-generic/unistd.h (the table aarch64 uses). */
export const AARCH64: SyscallArch = {
  name: 'aarch64',
  auditArch: AUDIT_ARCH_AARCH64,
  numbers: {
    lookup_dcookie: 18,
    ioctl: 29,
    umount2: 39,
    mount: 40,
    pivot_root: 41,
    nfsservctl: 42,
    vhangup: 58,
    quotactl: 60,
    acct: 89,
    personality: 92,
    unshare: 97,
    kexec_load: 104,
    init_module: 105,
    delete_module: 106,
    clock_settime: 112,
    syslog: 116,
    ptrace: 117,
    reboot: 142,
    sethostname: 161,
    setdomainname: 162,
    settimeofday: 170,
    adjtimex: 171,
    add_key: 217,
    request_key: 218,
    keyctl: 219,
    clone: 220,
    swapon: 224,
    swapoff: 225,
    migrate_pages: 238,
    move_pages: 239,
    perf_event_open: 241,
    fanotify_init: 262,
    name_to_handle_at: 264,
    open_by_handle_at: 265,
    clock_adjtime: 266,
    setns: 268,
    process_vm_readv: 270,
    process_vm_writev: 271,
    kcmp: 272,
    finit_module: 273,
    bpf: 280,
    userfaultfd: 282,
    kexec_file_load: 294,
    io_uring_setup: 425,
    io_uring_enter: 426,
    io_uring_register: 427,
    open_tree: 428,
    move_mount: 429,
    fsopen: 430,
    fsconfig: 431,
    fsmount: 432,
    fspick: 433,
    clone3: 435,
    pidfd_getfd: 438,
    mount_setattr: 442,
    quotactl_fd: 443,
  },
};

export const SUPPORTED_ARCHES: readonly SyscallArch[] = [X86_64, AARCH64];

/** One `struct sock_filter`. */
export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

/** A jump target: an instruction index resolved when the program is assembled. */
type Target = string;
type Draft = { readonly label: Target } | { readonly code: number; readonly k: number; readonly jt?: Target; readonly jf?: Target };

const ret = (k: number): Draft => ({ code: BPF.RET_K, k });
const load = (offset: number): Draft => ({ code: BPF.LD_W_ABS, k: offset });
const jeq = (k: number, jt: Target, jf?: Target): Draft => ({ code: BPF.JMP_JEQ_K, k, jt, ...(jf === undefined ? {} : { jf }) });
const jset = (k: number, jt: Target): Draft => ({ code: BPF.JMP_JSET_K, k, jt });
const jge = (k: number, jt: Target): Draft => ({ code: BPF.JMP_JGE_K, k, jt });
const jump = (to: Target): Draft => ({ code: BPF.JMP_JA, k: 0, jt: to });
const label = (name: Target): Draft => ({ label: name });

/** The instructions of one architecture's block, entered with nothing loaded. */
function archBlock(arch: SyscallArch): Draft[] {
  const p = (name: string): Target => `${arch.name}:${name}`;
  const nr = (name: string): number | undefined => arch.numbers[name];
  const out: Draft[] = [label(p('start')), load(OFFSET_NR)];
  // x32 calls reuse the x86_64 audit arch with this bit set: none is needed, all are refused.
  if (arch.name === 'x86_64') out.push(jge(X32_SYSCALL_BIT, 'kill'));
  for (const name of DENIED_SYSCALLS) {
    const n = nr(name);
    if (n !== undefined) out.push(jeq(n, p('eperm')));
  }
  for (const name of CHECKED_SYSCALLS) {
    const n = nr(name);
    if (n !== undefined) out.push(jeq(n, p(name)));
  }
  out.push(ret(SECCOMP_RET_ALLOW));
  // clone(flags, …): flags are argument 0 on x86_64 and aarch64 alike.
  out.push(label(p('clone')), load(argLow(0)), jset(CLONE_NAMESPACE_FLAGS, p('eperm')), ret(SECCOMP_RET_ALLOW));
  out.push(label(p('unshare')), load(argLow(0)), jset(CLONE_NAMESPACE_FLAGS | CLONE_NEWTIME, p('eperm')), ret(SECCOMP_RET_ALLOW));
  out.push(label(p('clone3')), ret(SECCOMP_RET_ERRNO | ENOSYS));
  // The kernel truncates ioctl's request to 32 bits, so the low word is the whole request.
  out.push(label(p('ioctl')), load(argLow(1)), jeq(TIOCSTI, p('eperm')), jeq(TIOCLINUX, p('eperm')), ret(SECCOMP_RET_ALLOW));
  out.push(label(p('personality')), load(argLow(0)));
  for (const value of ALLOWED_PERSONALITIES) out.push(jeq(value, p('allow')));
  out.push(ret(SECCOMP_RET_ERRNO | EPERM), label(p('allow')), ret(SECCOMP_RET_ALLOW));
  // Last, so that every jump to it goes forward, as classic BPF requires.
  out.push(label(p('eperm')), ret(SECCOMP_RET_ERRNO | EPERM));
  return out;
}

/** The whole filter as instructions: architecture check first, then each architecture's block. */
export function buildSeccompProgram(arches: readonly SyscallArch[] = SUPPORTED_ARCHES): BpfInstruction[] {
  const drafts: Draft[] = [load(OFFSET_ARCH)];
  for (const arch of arches) drafts.push(jeq(arch.auditArch, `${arch.name}:start`));
  drafts.push(jump('kill'));
  for (const arch of arches) drafts.push(...archBlock(arch));
  drafts.push(label('kill'), ret(SECCOMP_RET_KILL_PROCESS));
  return assemble(drafts);
}

/** Resolves labels into relative jumps (classic BPF jumps forward only, by at most 255). */
function assemble(drafts: readonly Draft[]): BpfInstruction[] {
  const at = new Map<Target, number>();
  let index = 0;
  for (const d of drafts) {
    if ('label' in d) at.set(d.label, index);
    else index += 1;
  }
  const out: BpfInstruction[] = [];
  for (const d of drafts) {
    if ('label' in d) continue;
    const here = out.length;
    const offset = (t: Target | undefined): number => {
      if (t === undefined) return 0;
      const to = at.get(t);
      if (to === undefined) throw new Error(`seccomp: unknown label ${t}`);
      const delta = to - here - 1;
      if (delta < 0 || (d.code !== BPF.JMP_JA && delta > 255)) throw new Error(`seccomp: jump to ${t} out of range`);
      return delta;
    };
    if (d.code === BPF.JMP_JA) out.push({ code: d.code, jt: 0, jf: 0, k: offset(d.jt) });
    else out.push({ code: d.code, jt: offset(d.jt), jf: offset(d.jf), k: d.k >>> 0 });
  }
  if (out.length > 4096) throw new Error('seccomp: program longer than BPF_MAXINSNS');
  return out;
}

/** The program as the bytes of `struct sock_filter[]` (native little-endian), as bwrap reads it. */
export function encodeSeccompProgram(program: readonly BpfInstruction[]): Buffer {
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach((ins, i) => {
    bytes.writeUInt16LE(ins.code, i * 8);
    bytes.writeUInt8(ins.jt, i * 8 + 2);
    bytes.writeUInt8(ins.jf, i * 8 + 3);
    bytes.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return bytes;
}

/** The filter bwrap is given: built once per process (it never varies at run time). */
let cached: Buffer | undefined;
export function seccompFilterBytes(): Buffer {
  cached ??= encodeSeccompProgram(buildSeccompProgram());
  return cached;
}
