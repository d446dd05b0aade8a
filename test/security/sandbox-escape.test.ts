/**
 * Escape attempts from a job: each case runs a real command through the bubblewrap sandbox
 * (src/jobs/sandbox/) and asserts that the attack failed AND that the host is unchanged — a
 * listener that saw no connection, a host file still holding its bytes, a host process still
 * alive. The attacks: the network (loopback, a public address, DNS), the host's files (/etc/shadow,
 * a data directory, /proc/1/environ, another job's files and environment), writes outside the
 * work directory, ptrace, mount, user namespaces, keyctl, TIOCSTI, a setuid binary, and killing a
 * host process. Limits and process cleanup: sandbox-limits.test.ts; files and secrets:
 * sandbox-secrets.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, marker, processesWith, python, sandboxAvailable, sh, text } from './sandbox-fixtures.js';

const ok = await sandboxAvailable();

describe.skipIf(!ok)('jobs 1: a job cannot reach the network', () => {
  let server: Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('jobs 1: a connect to a listener on the host 127.0.0.1 fails and the listener sees nothing', async () => {
    const result = await python(
      `import socket\ns = socket.socket()\ns.settimeout(3)\ntry:\n  s.connect(("127.0.0.1", ${port}))\n  print("CONNECTED")\nexcept OSError as e:\n  print("refused", e.errno)`,
    );
    expect(text(result.stdout)).toMatch(/^refused \d+/);
    expect(text(result.stdout)).not.toContain('CONNECTED');
    // Let any connection that did get through arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connections).toBe(0);
  });

  it('jobs 1: a connect to a public address fails at once: no interface, no route (no packet leaves)', async () => {
    const started = Date.now();
    const result = await python(
      'import socket, errno\ns = socket.socket()\ns.settimeout(10)\ntry:\n  s.connect(("192.0.2.1", 443))\n  print("CONNECTED")\nexcept OSError as e:\n  print(errno.errorcode.get(e.errno, e.errno))',
    );
    expect(text(result.stdout).trim()).toBe('ENETUNREACH');
    expect(Date.now() - started).toBeLessThan(9000);
  });

  it('jobs 1: a DNS lookup fails (no resolver, no network) and the job sees only lo', async () => {
    const result = await python(
      'import socket\ntry:\n  print(socket.getaddrinfo("example.com", 443))\nexcept OSError as e:\n  print("no dns")\nprint(open("/proc/net/dev").read())',
    );
    const out = text(result.stdout);
    expect(out).toContain('no dns');
    const interfaces = [...out.slice(out.indexOf('Inter-|')).matchAll(/^\s*([^\s:|]+):/gm)].map((m) => m[1]);
    expect(interfaces).toEqual(['lo']);
  });
});

describe.skipIf(!ok)('jobs 1: a job cannot read the host or another job', () => {
  let dataDir = '';

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'rampart-data-'));
    writeFileSync(path.join(dataDir, 'rampart.db'), 'DATA-DIRECTORY-SECRET');
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('jobs 1: /etc/shadow, /root, /home, /var and /run are not there', async () => {
    const result = await sh('cat /etc/shadow; ls /root /home /var /run /sys 2>&1; ls /etc');
    expect(text(result.stdout)).not.toContain('root:');
    expect(text(result.stderr)).toContain('/etc/shadow');
    expect(text(result.stdout).split(/\s+/).filter(Boolean).sort()).toEqual(
      expect.arrayContaining(['group', 'hosts', 'nsswitch.conf', 'passwd']),
    );
    expect(text(result.stdout)).not.toContain('shadow');
  });

  it("jobs 1: the server's data directory is not visible, by path or by search", async () => {
    const result = await sh(
      `cat ${dataDir}/rampart.db; find / -xdev -name rampart.db 2>/dev/null; grep -rs DATA-DIRECTORY-SECRET /etc /job /proc/self/mounts`,
    );
    expect(text(result.stdout)).not.toContain('DATA-DIRECTORY-SECRET');
    expect(text(result.stdout)).not.toContain('rampart.db');
    expect(result.ended).toBe('exited');
    expect(readFileSync(path.join(dataDir, 'rampart.db'), 'utf8')).toBe('DATA-DIRECTORY-SECRET');
  });

  it("jobs 1: /proc/1/environ is the sandbox's own pid 1, never the host's; the server's environment is not inherited", async () => {
    process.env['RAMPART_TEST_HOST_ONLY'] = 'HOST-ENVIRONMENT-MARKER';
    try {
      const result = await sh(
        'cat /proc/1/environ /proc/*/environ 2>/dev/null | tr "\\0" "\\n"; echo; ls /proc | grep -E "^[0-9]+$" | wc -l',
      );
      const out = text(result.stdout);
      expect(out).not.toContain('HOST-ENVIRONMENT-MARKER');
      // Only the sandbox's pid 1, the shell and its pipeline: never the host's processes.
      expect(Number(out.trim().split('\n').at(-1))).toBeLessThan(8);
    } finally {
      delete process.env['RAMPART_TEST_HOST_ONLY'];
    }
  });

  it("jobs 1: a job cannot see another running job's files, environment or processes", async () => {
    const other = sh('sleep 3', {
      files: new Map([['other-secret.txt', Buffer.from('OTHER-JOB-FILE-SECRET')]]),
      env: new Map([['OTHER_SECRET', 'OTHER-JOB-ENV-SECRET']]),
    });
    const result = await sh(
      'sleep 0.5; cat /proc/*/environ 2>/dev/null | tr "\\0" "\\n"; find / -xdev -name other-secret.txt 2>/dev/null; ls /proc; grep -rs OTHER-JOB /job /tmp',
    );
    const out = text(result.stdout);
    expect(out).not.toContain('OTHER-JOB-ENV-SECRET');
    expect(out).not.toContain('OTHER-JOB-FILE-SECRET');
    expect(out).not.toContain('other-secret.txt');
    const finished = await other;
    expect(finished.exitCode).toBe(0);
  });

  it('jobs 1: writes outside the work directory fail and the host is unchanged', async () => {
    const hostFile = path.join(dataDir, 'host-file.txt');
    writeFileSync(hostFile, 'UNCHANGED');
    const result = await sh(
      `for f in ${hostFile} /usr/bin/evil /etc/passwd /evil /dev/evil /proc/evil; do (echo PWNED > $f) 2>/dev/null && echo "WROTE $f"; done; echo x > /work/ok && echo work-ok; echo y > /tmp/ok && echo tmp-ok`,
    );
    expect(text(result.stdout)).not.toContain('WROTE');
    expect(text(result.stdout)).toContain('work-ok');
    expect(text(result.stdout)).toContain('tmp-ok');
    expect(readFileSync(hostFile, 'utf8')).toBe('UNCHANGED');
    expect(existsSync('/usr/bin/evil')).toBe(false);
    expect(existsSync('/evil')).toBe(false);
  });
});

describe.skipIf(!ok)('jobs 1: a job gains no privilege and reaches no host process', () => {
  it('jobs 1: ptrace answers EPERM (PTRACE_TRACEME and attaching to a child)', async () => {
    const result = await python(
      [
        'import ctypes, os, time',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'print("traceme", libc.ptrace(0, 0, 0, 0), ctypes.get_errno())',
        'pid = os.fork()',
        'if pid == 0:',
        '  time.sleep(2); os._exit(0)',
        'print("attach", libc.ptrace(16, pid, 0, 0), ctypes.get_errno())',
        'os.kill(pid, 9)',
      ].join('\n'),
    );
    expect(text(result.stdout)).toContain('traceme -1 1');
    expect(text(result.stdout)).toContain('attach -1 1');
  });

  it('jobs 1: mount and umount answer EPERM', async () => {
    const result = await python(
      'import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint("mount", libc.mount(b"none", b"/work", b"tmpfs", 0, None), ctypes.get_errno())\nprint("umount", libc.umount2(b"/proc", 2), ctypes.get_errno())',
    );
    expect(text(result.stdout)).toContain('mount -1 1');
    expect(text(result.stdout)).toContain('umount -1 1');
  });

  it('jobs 1: unshare of a user (or any) namespace fails', async () => {
    const result = await sh('unshare -U id && echo USERNS; unshare -n id && echo NETNS; unshare -m id && echo MOUNTNS; echo done');
    expect(text(result.stdout)).not.toMatch(/USERNS|NETNS|MOUNTNS/);
    expect(text(result.stderr)).toContain('Operation not permitted');
  });

  it('jobs 1: keyctl, add_key and bpf answer EPERM (the seccomp filter, in the kernel)', async () => {
    const result = await python(
      [
        'import ctypes',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'print("keyctl", libc.syscall(250, 0, -3, 0), ctypes.get_errno())',
        'print("add_key", libc.syscall(248, b"user", b"k", b"v", 1, -3), ctypes.get_errno())',
        'print("bpf", libc.syscall(321, 0, 0, 0), ctypes.get_errno())',
        'print("clone3", libc.syscall(435, 0, 0), ctypes.get_errno())',
      ].join('\n'),
    );
    const out = text(result.stdout);
    expect(out).toContain('keyctl -1 1');
    expect(out).toContain('add_key -1 1');
    expect(out).toContain('bpf -1 1');
    expect(out).toContain('clone3 -1 38');
  });

  it('jobs 1: TIOCSTI into a controlling terminal answers EPERM: nothing is typed', async () => {
    const result = await python(
      [
        'import os, fcntl, termios, errno',
        'pid = os.fork()',
        'if pid == 0:',
        '  os.setsid()',
        '  m, s = os.openpty()',
        '  fcntl.ioctl(s, termios.TIOCSCTTY, 0)',
        '  try:',
        '    fcntl.ioctl(s, termios.TIOCSTI, b"x")',
        '    print("INJECTED", flush=True)',
        '  except OSError as e:',
        '    print("TIOCSTI", errno.errorcode[e.errno], flush=True)',
        '  os._exit(0)',
        'os.waitpid(pid, 0)',
      ].join('\n'),
    );
    expect(text(result.stdout)).not.toContain('INJECTED');
    expect(text(result.stdout)).toContain('TIOCSTI EPERM');
  });

  it('jobs 1: a setuid binary gains nothing (no-new-privileges, no capability, uid stays 65534)', async () => {
    const result = await sh(
      'su root -c "id -u" ; passwd -S root; newgrp root; grep -E "^(NoNewPrivs|CapEff|CapBnd)" /proc/self/status; id -u',
    );
    const out = text(result.stdout);
    expect(out).toContain('NoNewPrivs:\t1');
    expect(out).toContain('CapEff:\t0000000000000000');
    expect(out).toContain('CapBnd:\t0000000000000000');
    expect(out.trim().split('\n').at(-1)).toBe('65534');
    expect(out.split('\n')).not.toContain('0');
  });

  it('jobs 1: killing a host process fails: the host sleep is still alive', async () => {
    const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = victim.pid ?? 0;
      const result = await sh(`kill -9 ${pid} && echo KILLED; kill -9 -1; echo after`);
      expect(text(result.stdout)).not.toContain('KILLED');
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(victim.exitCode).toBeNull();
    } finally {
      victim.kill('SIGKILL');
    }
  });

  it("jobs 1: the job's processes run as an unprivileged host uid even though the server is root", async () => {
    const tag = marker();
    const running = sh(`sleep 2; : ${tag}`);
    await eventually(() => processesWith(tag).length > 0);
    const seen = processesWith(tag);
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) expect(p.uid, p.cmdline).not.toBe(0);
    if (process.getuid?.() === 0) for (const p of seen) expect(p.uid).toBe(65534);
    await running;
  });
});
