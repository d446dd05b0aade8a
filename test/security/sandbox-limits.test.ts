/**
 * Resource attacks on the host from a job, each through the real bubblewrap sandbox: a fork bomb
 * (the pids cgroup), a memory bomb (the memory cgroup's OOM kill), a CPU spin in one process and
 * spread over several (RLIMIT_CPU and the cgroup's total), a disk fill (the tmpfs size), an output
 * flood (cut and told), a job still running at its wall limit and one cancelled. After each, the
 * host's process table holds no process of the job (found by a marker on its command line) and the
 * job's cgroups are gone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectJobCgroups } from '../../src/jobs/sandbox/job-cgroups.js';
import { eventually, limits, marker, processesWith, python, sandboxAvailable, sh, text } from './sandbox-fixtures.js';

const ok = await sandboxAvailable();

describe.skipIf(!ok)('jobs 2: every limit is enforced by the kernel, and the whole tree dies', () => {
  it('jobs 2: a fork bomb stops at the pids limit and leaves no process behind', async () => {
    const tag = marker();
    const result = await python(
      [
        'import os, sys, time',
        'n = 0',
        'while True:',
        '  try:',
        '    pid = os.fork()',
        '  except OSError as e:',
        '    print("fork refused after", n, flush=True)',
        '    break',
        '  if pid == 0:',
        '    time.sleep(30)',
        '    os._exit(0)',
        '  n += 1',
        `sys.exit(0)  # ${tag}`,
      ].join('\n'),
      { limits: limits({ pids: 16, wallSeconds: 15 }) },
    );
    const refusedAfter = Number(/fork refused after (\d+)/.exec(text(result.stdout))?.[1] ?? NaN);
    // 16 pids for the job: python itself and 15 children (the sandbox's pid 1 is counted apart).
    expect(refusedAfter).toBeLessThanOrEqual(15);
    expect(refusedAfter).toBeGreaterThan(0);
    expect(processesWith(tag)).toEqual([]);
  });

  it('jobs 2: a memory bomb is OOM-killed at memory_mb (ended memory_limit)', async () => {
    const result = await python('b = []\nwhile True:\n  b.append(bytearray(8 * 1024 * 1024))', {
      limits: limits({ memoryMb: 64 }),
    });
    expect(result.ended).toBe('memory_limit');
    expect(result.signal).toBe('SIGKILL');
    expect(result.usage.maxRssKb).toBeGreaterThan(32 * 1024);
    expect(result.usage.maxRssKb).toBeLessThanOrEqual(64 * 1024 + 1024);
  });

  it('jobs 2: a CPU spin is killed at cpu_seconds (ended cpu_limit), long before the wall limit', async () => {
    const result = await sh('while :; do :; done', { limits: limits({ cpuSeconds: 1, wallSeconds: 20 }) });
    expect(result.ended).toBe('cpu_limit');
    expect(['SIGXCPU', 'SIGKILL']).toContain(result.signal);
    expect(result.usage.wallMs).toBeLessThan(15_000);
  });

  it('jobs 2: CPU spread over several processes is limited in total (the cgroup), not per process only', async () => {
    const tag = marker();
    const result = await sh(`for i in 1 2 3; do (while :; do :; done) & done; wait; : ${tag}`, {
      limits: limits({ cpuSeconds: 1, wallSeconds: 20 }),
    });
    expect(result.ended).toBe('cpu_limit');
    expect(result.usage.cpuMs).toBeLessThan(3000);
    expect(processesWith(tag)).toEqual([]);
  });

  it('jobs 2: a disk fill stops at disk_mb, in the work directory and in /tmp together', async () => {
    const result = await sh(
      'dd if=/dev/zero of=/work/fill bs=1M count=64 2>/dev/null; dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>/dev/null; du -sk /job | cut -f1; df -k /job | tail -1',
      { limits: limits({ diskMb: 8 }) },
    );
    const usedKb = Number(text(result.stdout).split('\n')[0]);
    expect(usedKb).toBeLessThanOrEqual(8 * 1024);
    expect(usedKb).toBeGreaterThan(7 * 1024);
    expect(result.ended).toBe('exited');
  });

  it('jobs 2: an output flood is cut at the cap, told so, and the job is ended', async () => {
    const tag = marker();
    const result = await sh(`yes flood; : ${tag}`, { limits: limits({ outputBytes: 64 * 1024 }) });
    expect(result.ended).toBe('output_limit');
    expect(result.outputTruncated).toBe(true);
    expect(result.stdout.length + result.stderr.length).toBe(64 * 1024);
    expect(processesWith(tag)).toEqual([]);
  });

  it('jobs 2: a job still running at wall_seconds is killed with its whole tree: no process left', async () => {
    const tag = marker();
    const result = await sh(`(sleep 60; : ${tag}) & (sh -c "sleep 60; : ${tag}") & sleep 60; : ${tag}`, {
      limits: limits({ wallSeconds: 1 }),
    });
    expect(result.ended).toBe('wall_limit');
    expect(result.exitCode).toBeNull();
    expect(result.usage.wallMs).toBeLessThan(5000);
    expect(processesWith(tag)).toEqual([]);
  });

  it('jobs 8: cancel ends the whole tree at once: no process left', async () => {
    const tag = marker();
    const controller = new AbortController();
    const running = sh(`(sleep 60; : ${tag}) & sleep 60; : ${tag}`, { signal: controller.signal });
    await eventually(() => processesWith(tag).length >= 2);
    controller.abort();
    const result = await running;
    expect(result.ended).toBe('cancelled');
    expect(processesWith(tag)).toEqual([]);
  });

  it('jobs 2: open files are capped by RLIMIT_NOFILE', async () => {
    const result = await python(
      'import os\nfds = []\ntry:\n  while True: fds.append(os.open("/dev/null", os.O_RDONLY))\nexcept OSError as e:\n  print("stopped at", len(fds))',
      { limits: limits({ openFiles: 64 }) },
    );
    expect(Number(/stopped at (\d+)/.exec(text(result.stdout))?.[1])).toBeLessThan(64);
  });

  it('jobs 2: usage is measured (wall, cpu, peak memory) and a plain exit is reported as such', async () => {
    const result = await sh('i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 7');
    expect(result.ended).toBe('exited');
    expect(result.exitCode).toBe(7);
    expect(result.usage.wallMs).toBeGreaterThan(0);
    expect(result.usage.cpuMs).toBeGreaterThan(0);
    expect(result.usage.maxRssKb).toBeGreaterThan(0);
  });

  it('jobs 2: a job cgroup kills every process in it and is removed afterwards', async () => {
    const detected = await detectJobCgroups();
    if (!detected.ok) throw new Error(detected.reason);
    const group = await detected.cgroups.create(`job-test-${marker()}`, { pids: 8, memoryBytes: 64 * 1024 * 1024 });
    const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => victim.once('exit', resolve));
    await group.attach(victim.pid ?? 0);
    expect(await group.killAll()).toBe(true);
    await exited;
    expect(group.dirs.every((dir) => existsSync(dir))).toBe(true);
    await group.remove();
    expect(group.dirs.filter((dir) => existsSync(dir))).toEqual([]);
  });
});
