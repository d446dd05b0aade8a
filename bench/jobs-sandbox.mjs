/**
 * Job sandbox benchmarks (issue 14), one run, in process:
 *
 * - start overhead: p50/p99 of running `/bin/true` through the sandbox (`createBubblewrapSandbox`:
 *   cgroups, prlimit, bwrap with every namespace, the seccomp filter, the probe's profile) against a
 *   plain `spawn('/bin/true')` and a bare `bwrap --unshare-all … /bin/true` (the kernel's namespace
 *   cost alone) measured in the same run, interleaved; goal: ≤ 10 ms more than plain spawn at p50.
 *   Published start-up figures for the heavier isolation Rampart does not use: gVisor 81–280 ms,
 *   Firecracker ≤ 125 ms to init, Docker hundreds of ms;
 * - the seccomp filter's cost: the same syscall-heavy job (`dd bs=1`, two syscalls per byte) with
 *   and without the filter (`createUnfilteredSandboxForBenchmark`, reachable from no configuration),
 *   CPU time from the job's cgroup, best of the rounds.
 *
 * `node bench/jobs-sandbox.mjs` after `npm run build`; `npm run bench -- jobs-sandbox` runs it in the
 * harness. Knobs: BENCH_SANDBOX_RUNS (starts of each kind, default 200), BENCH_SANDBOX_DD_BYTES
 * (bytes the syscall-heavy job copies, default 400,000), BENCH_SANDBOX_DD_ROUNDS (default 5).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

const LIMITS = { cpuSeconds: 30, memoryMb: 256, pids: 64, wallSeconds: 60, diskMb: 16, openFiles: 256, outputBytes: 1 << 20 };
const BARE_BWRAP = [
  '--unshare-all',
  '--die-with-parent',
  '--ro-bind',
  '/usr',
  '/usr',
  '--symlink',
  'usr/lib',
  '/lib',
  '--symlink',
  'usr/lib64',
  '/lib64',
  '--proc',
  '/proc',
  '--dev',
  '/dev',
  '/usr/bin/true',
];

function exited(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

async function timed(fn) {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

export async function runJobsSandboxBench(log) {
  const { createBubblewrapSandbox, createUnfilteredSandboxForBenchmark } = await dist('jobs/sandbox/bubblewrap-sandbox.js');
  const runs = env('BENCH_SANDBOX_RUNS', 200);
  const ddBytes = env('BENCH_SANDBOX_DD_BYTES', 400_000);
  const ddRounds = env('BENCH_SANDBOX_DD_ROUNDS', 5);
  const problems = [];
  const sandbox = createBubblewrapSandbox();
  const unfiltered = createUnfilteredSandboxForBenchmark();
  for (const [name, s] of [
    ['sandbox', sandbox],
    ['unfiltered sandbox', unfiltered],
  ]) {
    const profile = await s.probe();
    if (!profile.available) return { rows: [], ratios: [], problems: [`${name} unavailable: ${profile.reason}`], valid: false };
  }
  const trueJob = { argv: ['/bin/true'], files: new Map(), env: new Map(), limits: LIMITS };
  log(`  /bin/true: ${runs} starts each of plain spawn, bare bwrap and the sandbox, interleaved`);
  const plain = [];
  const bare = [];
  const boxed = [];
  for (let i = 0; i < runs; i += 1) {
    plain.push(await timed(() => exited('/bin/true', [])));
    bare.push(await timed(() => exited('bwrap', BARE_BWRAP)));
    boxed.push(
      await timed(async () => {
        const result = await sandbox.run(trueJob);
        if (result.exitCode !== 0) throw new Error(`sandboxed /bin/true: ${result.ended} ${result.exitCode}`);
      }),
    );
  }
  log(`  seccomp cost: dd of ${ddBytes.toLocaleString('en-US')} bytes at bs=1, ${ddRounds} rounds with and without the filter`);
  const ddJob = {
    argv: ['/usr/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${ddBytes}`],
    files: new Map(),
    env: new Map(),
    limits: LIMITS,
  };
  let filteredCpu = Infinity;
  let unfilteredCpu = Infinity;
  let filteredWall = Infinity;
  let unfilteredWall = Infinity;
  for (let round = 0; round < ddRounds; round += 1) {
    const f = await sandbox.run(ddJob);
    const u = await unfiltered.run(ddJob);
    if (f.exitCode !== 0 || u.exitCode !== 0) problems.push(`dd failed: ${f.ended}/${u.ended}`);
    filteredCpu = Math.min(filteredCpu, f.usage.cpuMs);
    unfilteredCpu = Math.min(unfilteredCpu, u.usage.cpuMs);
    filteredWall = Math.min(filteredWall, f.usage.wallMs);
    unfilteredWall = Math.min(unfilteredWall, u.usage.wallMs);
  }
  const p = summary(plain);
  const b = summary(bare);
  const s = summary(boxed);
  const syscalls = 2 * ddBytes;
  const rows = [
    { label: 'plain spawn /bin/true p50', value: p.p50, detail: 'ms' },
    { label: 'plain spawn /bin/true p99', value: p.p99, detail: 'ms' },
    { label: 'bare bwrap --unshare-all /bin/true p50', value: b.p50, detail: 'ms (namespaces alone)' },
    { label: 'bare bwrap --unshare-all /bin/true p99', value: b.p99, detail: 'ms' },
    { label: 'sandbox /bin/true p50', value: s.p50, detail: 'ms (cgroups, rlimits, seccomp, full profile)' },
    { label: 'sandbox /bin/true p99', value: s.p99, detail: 'ms' },
    { label: 'sandbox overhead over plain spawn p50', value: s.p50 - p.p50, detail: 'ms (goal ≤ 10)' },
    { label: 'sandbox overhead over bare bwrap p50', value: s.p50 - b.p50, detail: 'ms (what Rampart adds to bwrap)' },
    { label: `dd bs=1 CPU with seccomp (${syscalls.toLocaleString('en-US')} syscalls)`, value: filteredCpu, detail: 'ms, best round' },
    { label: 'dd bs=1 CPU without seccomp', value: unfilteredCpu, detail: 'ms, best round' },
    { label: 'seccomp cost per syscall', value: ((filteredCpu - unfilteredCpu) * 1e6) / syscalls, detail: 'ns (CPU)' },
    { label: 'dd bs=1 wall with / without seccomp', value: filteredWall, detail: `ms / ${Math.round(unfilteredWall)} ms` },
  ];
  const ratios = [
    { label: 'sandbox p50 - plain p50 (ms)', value: s.p50 - p.p50, goal: '≤ 10 ms', met: s.p50 - p.p50 <= 10 },
    { label: 'sandbox p50 / plain spawn p50', value: s.p50 / p.p50, goal: 'measured', met: true },
    { label: 'sandbox p50 / bare bwrap p50', value: s.p50 / b.p50, goal: 'measured', met: true },
    { label: 'sandbox p50 / gVisor start 81 ms (published)', value: s.p50 / 81, goal: 'measured', met: true },
    { label: 'sandbox p50 / Firecracker init 125 ms (published)', value: s.p50 / 125, goal: 'measured', met: true },
    { label: 'seccomp: CPU with / without filter (syscall-heavy)', value: filteredCpu / unfilteredCpu, goal: 'measured', met: true },
  ];
  return { rows, ratios, problems, valid: problems.length === 0 };
}

export function describeJobsSandbox(result) {
  const lines = ['', 'measure'.padEnd(58) + 'value'.padStart(12) + '  detail'];
  for (const row of result.rows) lines.push(row.label.padEnd(58) + row.value.toFixed(2).padStart(12) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(58) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios)
    lines.push(
      ratio.label.padEnd(58) +
        ratio.value.toFixed(3).padStart(12) +
        `  ${ratio.goal}${ratio.goal === 'measured' ? '' : ratio.met ? ' met' : ' NOT met'}`,
    );
  lines.push('', 'published start-up figures: gVisor 81–280 ms, Firecracker ≤ 125 ms to init, Docker hundreds of ms');
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runJobsSandboxBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeJobsSandbox(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
