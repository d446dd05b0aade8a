/**
 * The generated seccomp filter on its own: the bytes are decoded back into `struct sock_filter`s and
 * run in a classic-BPF interpreter against `struct seccomp_data` inputs, so each rule of
 * src/jobs/sandbox/seccomp-bpf.ts is proved by what the program answers, not by how it is built.
 * (test/security/sandbox-escape.test.ts proves the same rules in the kernel, through bwrap.)
 */
import { describe, expect, it } from 'vitest';
import {
  AARCH64,
  ALLOWED_PERSONALITIES,
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_X86_64,
  BPF,
  buildSeccompProgram,
  CHECKED_SYSCALLS,
  DENIED_SYSCALLS,
  encodeSeccompProgram,
  ENOSYS,
  EPERM,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  seccompFilterBytes,
  X86_64,
  type BpfInstruction,
} from '../../src/jobs/sandbox/seccomp-bpf.js';

const AUDIT_ARCH_I386 = 0x40000003;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWNET = 0x40000000;
const CLONE_NEWNS = 0x00020000;
const CLONE_NEWTIME = 0x80;
const CLONE_THREAD_FLAGS = 0x003d0f00; // what glibc's pthread_create passes
const SIGCHLD = 17;

function decode(bytes: Buffer): BpfInstruction[] {
  expect(bytes.length % 8).toBe(0);
  const out: BpfInstruction[] = [];
  for (let at = 0; at < bytes.length; at += 8) {
    out.push({ code: bytes.readUInt16LE(at), jt: bytes.readUInt8(at + 2), jf: bytes.readUInt8(at + 3), k: bytes.readUInt32LE(at + 4) });
  }
  return out;
}

interface SeccompData {
  readonly arch: number;
  readonly nr: number;
  readonly args?: readonly bigint[];
}

function seccompData(input: SeccompData): Buffer {
  const data = Buffer.alloc(64);
  data.writeInt32LE(input.nr, 0);
  data.writeUInt32LE(input.arch, 4);
  (input.args ?? []).forEach((arg, i) => data.writeBigUInt64LE(BigInt.asUintN(64, arg), 16 + 8 * i));
  return data;
}

/** A classic BPF interpreter for the opcodes a seccomp filter may use; refuses anything else. */
function simulate(program: readonly BpfInstruction[], input: SeccompData): number {
  const data = seccompData(input);
  let a = 0;
  for (let pc = 0; pc < program.length;) {
    const ins = program[pc];
    if (ins === undefined) break;
    switch (ins.code) {
      case BPF.LD_W_ABS:
        expect(ins.k % 4).toBe(0);
        a = data.readUInt32LE(ins.k);
        pc += 1;
        break;
      case BPF.JMP_JA:
        pc += 1 + ins.k;
        break;
      case BPF.JMP_JEQ_K:
        pc += 1 + (a === ins.k ? ins.jt : ins.jf);
        break;
      case BPF.JMP_JGE_K:
        pc += 1 + (a >= ins.k ? ins.jt : ins.jf);
        break;
      case BPF.JMP_JSET_K:
        pc += 1 + ((a & ins.k) !== 0 ? ins.jt : ins.jf);
        break;
      case BPF.RET_K:
        return ins.k >>> 0;
      default:
        throw new Error(`opcode ${ins.code} not expected`);
    }
  }
  throw new Error('fell off the end of the program');
}

const program = decode(seccompFilterBytes());
const errno = (e: number): number => (SECCOMP_RET_ERRNO | e) >>> 0;
const x86 = (name: string, args: readonly bigint[] = []): number => {
  const nr = X86_64.numbers[name];
  if (nr === undefined) throw new Error(name);
  return simulate(program, { arch: AUDIT_ARCH_X86_64, nr, args });
};
const arm = (name: string, args: readonly bigint[] = []): number => {
  const nr = AARCH64.numbers[name];
  if (nr === undefined) throw new Error(name);
  return simulate(program, { arch: AUDIT_ARCH_AARCH64, nr, args });
};

describe('jobs 1: the seccomp filter generated in TypeScript', () => {
  it('jobs 1: encodes to 8-byte sock_filters that decode back to the same program, every jump forward and in range', () => {
    const built = buildSeccompProgram();
    expect(decode(encodeSeccompProgram(built))).toEqual(built);
    expect(program.length).toBeLessThan(4096);
    program.forEach((ins, pc) => {
      if (ins.code === BPF.JMP_JEQ_K || ins.code === BPF.JMP_JGE_K || ins.code === BPF.JMP_JSET_K) {
        expect(pc + 1 + Math.max(ins.jt, ins.jf)).toBeLessThan(program.length);
      }
      if (ins.code === BPF.JMP_JA) expect(pc + 1 + ins.k).toBeLessThan(program.length);
    });
    // The program cannot fall off its end: its last instruction returns.
    expect(program.at(-1)?.code).toBe(BPF.RET_K);
  });

  it('jobs 1: a call made under another architecture (i386 int 0x80, an unknown one) kills the process', () => {
    // 101 is ptrace on x86_64 but another call on i386: numbers mean nothing across architectures.
    expect(simulate(program, { arch: AUDIT_ARCH_I386, nr: 26 })).toBe(SECCOMP_RET_KILL_PROCESS);
    expect(simulate(program, { arch: AUDIT_ARCH_I386, nr: 1 })).toBe(SECCOMP_RET_KILL_PROCESS);
    expect(simulate(program, { arch: 0x12345678, nr: 0 })).toBe(SECCOMP_RET_KILL_PROCESS);
  });

  it('jobs 1: x32 calls (nr with bit 30 under the x86_64 arch) kill the process', () => {
    expect(simulate(program, { arch: AUDIT_ARCH_X86_64, nr: 0x40000000 + 101 })).toBe(SECCOMP_RET_KILL_PROCESS);
    expect(simulate(program, { arch: AUDIT_ARCH_X86_64, nr: 0x40000000 })).toBe(SECCOMP_RET_KILL_PROCESS);
  });

  it('jobs 1: every denied call answers EPERM on x86_64 and on aarch64 where it exists', () => {
    for (const name of DENIED_SYSCALLS) {
      if (X86_64.numbers[name] !== undefined) expect(x86(name), name).toBe(errno(EPERM));
      if (AARCH64.numbers[name] !== undefined) expect(arm(name), name).toBe(errno(EPERM));
      expect(X86_64.numbers[name] ?? AARCH64.numbers[name], `${name} has a number`).toBeDefined();
    }
    for (const name of ['ptrace', 'mount', 'keyctl', 'bpf', 'perf_event_open', 'userfaultfd', 'kexec_load', 'init_module', 'setns']) {
      expect(DENIED_SYSCALLS).toContain(name);
    }
  });

  it('jobs 1: ordinary calls are allowed (read, write, openat, execve, mmap, exit_group, wait4)', () => {
    for (const nr of [0, 1, 257, 59, 9, 231, 61, 39, 60]) {
      expect(simulate(program, { arch: AUDIT_ARCH_X86_64, nr }), `x86_64 ${nr}`).toBe(SECCOMP_RET_ALLOW);
    }
    for (const nr of [63, 64, 56, 221, 222, 94, 260]) {
      expect(simulate(program, { arch: AUDIT_ARCH_AARCH64, nr }), `aarch64 ${nr}`).toBe(SECCOMP_RET_ALLOW);
    }
  });

  it('jobs 1: clone with a namespace flag is EPERM; a fork or a thread is allowed', () => {
    for (const call of [x86, arm]) {
      expect(call('clone', [BigInt(CLONE_NEWUSER | SIGCHLD)])).toBe(errno(EPERM));
      expect(call('clone', [BigInt(CLONE_NEWNET)])).toBe(errno(EPERM));
      expect(call('clone', [BigInt(CLONE_NEWNS | SIGCHLD)])).toBe(errno(EPERM));
      expect(call('clone', [BigInt(0x01200000 | SIGCHLD)])).toBe(SECCOMP_RET_ALLOW);
      expect(call('clone', [BigInt(CLONE_THREAD_FLAGS)])).toBe(SECCOMP_RET_ALLOW);
    }
  });

  it('jobs 1: unshare of any namespace (time included) is EPERM; unshare(CLONE_FILES) is allowed', () => {
    for (const call of [x86, arm]) {
      expect(call('unshare', [BigInt(CLONE_NEWUSER)])).toBe(errno(EPERM));
      expect(call('unshare', [BigInt(CLONE_NEWTIME)])).toBe(errno(EPERM));
      expect(call('unshare', [0x400n])).toBe(SECCOMP_RET_ALLOW);
    }
  });

  it('jobs 1: clone3 answers ENOSYS (its flags are out of BPF reach), so libc falls back to checked clone', () => {
    expect(x86('clone3')).toBe(errno(ENOSYS));
    expect(arm('clone3')).toBe(errno(ENOSYS));
  });

  it('jobs 1: ioctl TIOCSTI and TIOCLINUX are EPERM, also with junk in the upper 32 bits; other ioctls pass', () => {
    for (const call of [x86, arm]) {
      expect(call('ioctl', [0n, 0x5412n])).toBe(errno(EPERM));
      expect(call('ioctl', [0n, 0xffffffff00005412n])).toBe(errno(EPERM));
      expect(call('ioctl', [0n, 0x541cn])).toBe(errno(EPERM));
      expect(call('ioctl', [0n, 0x5401n])).toBe(SECCOMP_RET_ALLOW); // TCGETS
      expect(call('ioctl', [0n, 0x5413n])).toBe(SECCOMP_RET_ALLOW); // TIOCGWINSZ
    }
  });

  it('jobs 1: personality accepts only the default-profile values', () => {
    for (const value of ALLOWED_PERSONALITIES) expect(x86('personality', [BigInt(value)])).toBe(SECCOMP_RET_ALLOW);
    expect(x86('personality', [0x0040000n])).toBe(errno(EPERM)); // ADDR_NO_RANDOMIZE
    expect(arm('personality', [0x0400000n])).toBe(errno(EPERM)); // READ_IMPLIES_EXEC
  });

  it('jobs 1: every checked call has a number on both architectures', () => {
    for (const name of CHECKED_SYSCALLS) {
      expect(X86_64.numbers[name], name).toBeDefined();
      expect(AARCH64.numbers[name], name).toBeDefined();
    }
  });
});
