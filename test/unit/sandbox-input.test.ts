/**
 * The sandbox's pure rules: which file names and environment names a run may carry
 * (src/jobs/sandbox/sandbox-input.ts), the bwrap argument list it builds (bwrap-arguments.ts: every
 * namespace, no host path writable, nothing of the caller but argv and file names on it), and the
 * reading of the probe's view from inside (sandbox-self-check.ts).
 */
import { describe, expect, it } from 'vitest';
import { SandboxInputError } from '../../src/jobs/ports/sandbox.js';
import { bwrapArguments } from '../../src/jobs/sandbox/bwrap-arguments.js';
import { checkSandboxInput, envNameProblem, fileNameProblem, MAX_FILES } from '../../src/jobs/sandbox/sandbox-input.js';
import { checkProfileFromInside } from '../../src/jobs/sandbox/sandbox-self-check.js';
import { hostUserFor } from '../../src/jobs/sandbox/sandbox-identity.js';

describe('jobs 4: file names and environment names', () => {
  it('jobs 4: relative names of plain segments pass', () => {
    for (const name of ['main.py', 'app/lib/a.ts', '.hidden', 'a..b', 'über/файл.txt']) expect(fileNameProblem(name), name).toBeUndefined();
  });

  it('jobs 4: ../x, /etc/x, NUL, control characters, backslashes, empty and dot segments are refused', () => {
    for (const name of ['../x', 'a/../x', 'a/..', '/etc/x', 'a\u0000b', 'a\nb', 'a\u007fb', 'a\\b', '', 'a//b', 'a/', './a', 'a/.']) {
      expect(fileNameProblem(name), JSON.stringify(name)).toBeDefined();
    }
    expect(fileNameProblem('x'.repeat(256))).toBeDefined();
    expect(fileNameProblem(`${'a/'.repeat(2100)}a`)).toBeDefined();
  });

  it('jobs 4: a name used both as a file and as a directory, too many files, or files beyond disk_mb are refused', () => {
    const one = (name: string, size = 1): Map<string, Buffer> => new Map([[name, Buffer.alloc(size)]]);
    expect(() => checkSandboxInput(new Map([...one('a'), ...one('a/b')]), new Map(), 1)).toThrow(SandboxInputError);
    const many = new Map(Array.from({ length: MAX_FILES + 1 }, (_, i) => [`f${i}`, Buffer.alloc(0)] as const));
    expect(() => checkSandboxInput(many, new Map(), 1)).toThrow(SandboxInputError);
    expect(() => checkSandboxInput(one('big', 1024 * 1024 + 1), new Map(), 1)).toThrow(SandboxInputError);
    expect(() => checkSandboxInput(one('fits', 1024 * 1024), new Map(), 1)).not.toThrow();
  });

  it('jobs 4: environment names the host-side loader acts on, and malformed names, are refused; values with NUL too', () => {
    for (const name of ['LD_PRELOAD', 'LD_AUDIT', 'GCONV_PATH', 'GLIBC_TUNABLES', 'MALLOC_CHECK_', 'a-b', '1A', '', 'A=B']) {
      expect(envNameProblem(name), name).toBeDefined();
    }
    for (const name of ['API_TOKEN', '_x', 'PATH', 'db_url2']) expect(envNameProblem(name), name).toBeUndefined();
    expect(() => checkSandboxInput(new Map(), new Map([['A', 'x\u0000y']]), 1)).toThrow(SandboxInputError);
  });

  it('jobs 4: a refusal names the rule, never the value', () => {
    try {
      checkSandboxInput(new Map(), new Map([['SECRET', `${'v'.repeat(200 * 1024)}`]]), 1);
      expect.unreachable();
    } catch (error) {
      expect((error as SandboxInputError).detail).not.toContain('vvvv');
    }
  });
});

describe('jobs 1: the bwrap argument list', () => {
  const args = bwrapArguments({ argv: ['/bin/echo', 'hi'], fileNames: ['a/b.txt'], diskBytes: 1 << 20, seccomp: true });
  const joined = args.join(' ');

  it('jobs 1: unshares every namespace, forbids new user namespaces, drops all capabilities, dies with its parent', () => {
    for (const option of [
      '--unshare-all',
      '--unshare-user',
      '--unshare-cgroup',
      '--disable-userns',
      '--die-with-parent',
      '--new-session',
    ]) {
      expect(args).toContain(option);
    }
    expect(joined).toContain('--cap-drop ALL');
    expect(joined).toContain('--uid 65534 --gid 65534');
    expect(joined).toContain('--seccomp 3');
    expect(args).not.toContain('--share-net');
  });

  it('jobs 1: binds only /usr (read-only) from the host; / and /dev are remounted read-only; one tmpfs of disk_mb', () => {
    const binds = args.flatMap((a, i) => (a.includes('bind') ? [`${a} ${args[i + 1] ?? ''}`] : []));
    expect(binds).toEqual(['--ro-bind /usr', '--ro-bind-try /etc/alternatives', '--ro-bind-try /etc/ld.so.cache', ...binds.slice(3)]);
    expect(binds.slice(3).every((b) => b.startsWith('--ro-bind-data '))).toBe(true);
    expect(args).not.toContain('--bind');
    expect(joined).toContain('--remount-ro /dev');
    expect(joined).toContain('--remount-ro / --chdir /job/work');
    expect(joined).toContain(`--size ${1 << 20} --perms 0755 --tmpfs /job`);
    expect(args.filter((a) => a === '--tmpfs')).toHaveLength(1);
  });

  it('jobs 4: files come through descriptors into the work dir; argv comes last after --', () => {
    expect(joined).toContain('--file 10 /job/work/a/b.txt');
    expect(args.slice(-3)).toEqual(['--', '/bin/echo', 'hi']);
    expect(args).not.toContain('--setenv');
  });

  it('jobs 1: without the benchmark switch there is always a seccomp filter', () => {
    expect(bwrapArguments({ argv: ['x'], fileNames: [], diskBytes: 1, seccomp: false })).not.toContain('--seccomp');
  });
});

describe('jobs 1: the uid mapping and the probe from inside', () => {
  it('jobs 1: as root the sandbox maps to an unprivileged host account; uid 0 is refused', () => {
    expect(hostUserFor(0, undefined)).toEqual({ uid: 65534, gid: 65534 });
    expect(hostUserFor(1000, undefined)).toBeUndefined();
    expect(() => hostUserFor(0, { uid: 0, gid: 0 })).toThrow(/unprivileged/);
  });

  const status = (overrides: Record<string, string> = {}): Buffer => {
    const fields: Record<string, string> = {
      Uid: '65534\t65534\t65534\t65534',
      Gid: '65534\t65534\t65534\t65534',
      CapInh: '0000000000000000',
      CapPrm: '0000000000000000',
      CapEff: '0000000000000000',
      CapBnd: '0000000000000000',
      CapAmb: '0000000000000000',
      NoNewPrivs: '1',
      Seccomp: '2',
      ...overrides,
    };
    const net = 'Inter-|   Receive\n face |bytes\n    lo:       0       0\n';
    return Buffer.from(
      `${Object.entries(fields)
        .map(([k, v]) => `${k}:\t${v}`)
        .join('\n')}\n${net}`,
    );
  };
  const result = (stdout: Buffer) => ({
    exitCode: 0,
    signal: null,
    ended: 'exited' as const,
    outputTruncated: false,
    stdout,
    stderr: Buffer.alloc(0),
  });

  it('jobs 3: a profile that does not hold as built fails the probe (uid, capabilities, NoNewPrivs, seccomp, interfaces)', () => {
    expect(checkProfileFromInside(result(status()), true).ok).toBe(true);
    expect(checkProfileFromInside(result(status({ Uid: '0\t0\t0\t0' })), true).ok).toBe(false);
    expect(checkProfileFromInside(result(status({ CapEff: '000001ffffffffff' })), true).ok).toBe(false);
    expect(checkProfileFromInside(result(status({ NoNewPrivs: '0' })), true).ok).toBe(false);
    expect(checkProfileFromInside(result(status({ Seccomp: '0' })), true).ok).toBe(false);
    const withEth = Buffer.concat([status(), Buffer.from('  eth0:       1       2\n')]);
    expect(checkProfileFromInside(result(withEth), true).ok).toBe(false);
  });
});
