/**
 * Files and secrets handed to a job, and the sandbox's fail-safe, through the real bubblewrap
 * sandbox. A secret given as environment is visible to the job and on no command line of any host
 * process while the job runs (the exploit: ps and every reader of /proc/<pid>/cmdline, e.g. another local user).
 * Files arrive through descriptors before the job starts; a name with `..`, an absolute part or NUL
 * is refused before anything runs. A missing bwrap, an unenforceable limit or unusable cgroups make
 * the sandbox unavailable: nothing runs, never with a weaker profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBubblewrapSandbox } from '../../src/jobs/sandbox/bubblewrap-sandbox.js';
import { SandboxInputError, SandboxUnavailableError } from '../../src/jobs/ports/sandbox.js';
import { allCommandLines, eventually, limits, marker, processesWith, sandbox, sandboxAvailable, sh, text } from './sandbox-fixtures.js';

const ok = await sandboxAvailable();

describe.skipIf(!ok)('jobs 4: secrets reach the job as environment and nowhere else', () => {
  it("jobs 4: a secret is in the job's environment and on no host command line while it runs", async () => {
    const secret = `s3cret-${marker()}`;
    const tag = marker();
    const running = sh(`env; sleep 2; : ${tag}`, { env: new Map([['API_TOKEN', secret]]) });
    await eventually(() => processesWith(tag).length > 0);
    expect(allCommandLines()).not.toContain(secret);
    const result = await running;
    expect(text(result.stdout)).toContain(`API_TOKEN=${secret}`);
    // The fixed base environment, and nothing of the server's.
    expect(text(result.stdout)).toContain('PATH=/usr/bin:/bin');
    expect(text(result.stdout)).not.toContain('VITEST');
  });

  it('jobs 4: environment names the host-side loader would act on (LD_PRELOAD, GCONV_PATH, …) are refused before anything runs', async () => {
    for (const name of ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'GCONV_PATH', 'GLIBC_TUNABLES', 'bad-name', '1X']) {
      const tag = marker();
      await expect(sh(`: ${tag}`, { env: new Map([[name, '/work/x.so']]) }), name).rejects.toBeInstanceOf(SandboxInputError);
      expect(processesWith(tag)).toEqual([]);
    }
  });
});

describe.skipIf(!ok)('jobs 4: files are placed through descriptors before the job starts', () => {
  it('jobs 4: nested files are in the work directory, byte for byte, when the first instruction runs', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0xab);
    const result = await sh('cat app/main.txt; wc -c < data/big.bin; od -An -tx1 -N1 data/big.bin; ls -l app/main.txt | cut -c1-10', {
      files: new Map([
        ['app/main.txt', Buffer.from('hello from a file\n')],
        ['data/big.bin', big],
      ]),
    });
    const out = text(result.stdout);
    expect(out).toContain('hello from a file');
    expect(out).toContain(String(big.length));
    expect(out).toContain('ab');
    expect(result.exitCode).toBe(0);
  });

  it('jobs 4: a file named ../x, /etc/x, with NUL, with a control character or an empty segment is refused before anything runs', async () => {
    for (const name of ['../x', 'a/../../x', '/etc/x', 'a\u0000b', 'a\nb', 'a//b', './x', '']) {
      const tag = marker();
      await expect(sh(`sleep 5; : ${tag}`, { files: new Map([[name, Buffer.from('x')]]) }), JSON.stringify(name)).rejects.toBeInstanceOf(
        SandboxInputError,
      );
      expect(processesWith(tag)).toEqual([]);
    }
  });

  it('jobs 4: files larger than disk_mb together are refused before anything runs', async () => {
    const files = new Map([
      ['a.bin', Buffer.alloc(600 * 1024)],
      ['b.bin', Buffer.alloc(600 * 1024)],
    ]);
    await expect(sh('true', { files, limits: limits({ diskMb: 1 }) })).rejects.toBeInstanceOf(SandboxInputError);
  });
});

describe.skipIf(!ok)('jobs 3: the sandbox fails safe', () => {
  it('jobs 3: a missing bwrap makes the sandbox unavailable with the reason, and nothing runs', async () => {
    const missing = createBubblewrapSandbox({ bwrapPath: '/nonexistent/bwrap' });
    const profile = await missing.probe();
    expect(profile.available).toBe(false);
    expect(profile.reason).toContain('bubblewrap not found');
    const tag = marker();
    await expect(
      missing.run({ argv: ['/bin/sh', '-c', `sleep 5; : ${tag}`], files: new Map(), env: new Map(), limits: limits() }),
    ).rejects.toBeInstanceOf(SandboxUnavailableError);
    expect(processesWith(tag)).toEqual([]);
  });

  it('jobs 3: a limit the kernel cannot be told (NaN, infinite, zero) is refused: nothing runs unlimited', async () => {
    for (const bad of [{ memoryMb: Number.NaN }, { pids: Number.POSITIVE_INFINITY }, { cpuSeconds: 0 }, { diskMb: 1.5 }]) {
      const tag = marker();
      await expect(sh(`sleep 5; : ${tag}`, { limits: limits(bad) }), JSON.stringify(bad)).rejects.toBeInstanceOf(SandboxUnavailableError);
      expect(processesWith(tag)).toEqual([]);
    }
  });

  it('jobs 3: a cgroup root that does not delegate the pids and memory controllers makes the sandbox unavailable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-cgroup-'));
    try {
      const profile = await createBubblewrapSandbox({ cgroupRoot: dir }).probe();
      expect(profile.available).toBe(false);
      expect(profile.reason).toContain('cgroups');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('jobs 3: a host user of uid 0 is refused (the sandbox would map to host root)', async () => {
    if (process.getuid?.() !== 0) return;
    const profile = await createBubblewrapSandbox({ hostUser: { uid: 0, gid: 0 } }).probe();
    expect(profile.available).toBe(false);
    expect(profile.reason).toContain('unprivileged');
  });

  it('jobs 3: the probe reports the profile it checked from inside', async () => {
    const profile = await sandbox.probe();
    expect(profile.available).toBe(true);
    expect(profile.facts['checked inside']).toContain('NoNewPrivs 1');
    expect(profile.facts['checked inside']).toContain('Seccomp 2');
    expect(profile.facts['checked inside']).toContain('interfaces: lo');
    expect(Object.keys(profile.facts)).toEqual(
      expect.arrayContaining([
        'limit cpu_seconds',
        'limit memory_mb',
        'limit pids',
        'limit wall_seconds',
        'limit disk_mb',
        'limit open_files',
      ]),
    );
  });
});
