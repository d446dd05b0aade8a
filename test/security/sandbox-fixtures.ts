/**
 * Shared pieces of the sandbox escape suites (test/security/sandbox-*.test.ts): one real bubblewrap
 * sandbox, limits for a test job, a unique marker to find a job's processes in the host's process
 * table, and the process-table scan itself. When bwrap or the sandbox profile is not available the
 * suites skip with a loud message — except under CI=true, where that fails the run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createBubblewrapSandbox } from '../../src/jobs/sandbox/bubblewrap-sandbox.js';
import type { Sandbox, SandboxLimits, SandboxResult, SandboxRun } from '../../src/jobs/ports/sandbox.js';

export const sandbox: Sandbox = createBubblewrapSandbox();

let available: Promise<boolean> | undefined;

/** Whether the sandbox can run here; under CI=true its absence throws. */
export function sandboxAvailable(): Promise<boolean> {
  available ??= sandbox.probe().then((profile) => {
    if (profile.available) return true;
    if (process.env.CI === 'true') throw new Error(`the job sandbox is required under CI=true: ${profile.reason ?? ''}`);
    process.stderr.write(`\n!!! the job sandbox is not available (${profile.reason ?? ''}): its tests are SKIPPED.\n\n`);
    return false;
  });
  return available;
}

export function limits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  return {
    cpuSeconds: 10,
    memoryMb: 256,
    pids: 64,
    wallSeconds: 20,
    diskMb: 16,
    openFiles: 256,
    outputBytes: 1024 * 1024,
    ...overrides,
  };
}

/** Runs `script` with /bin/sh in the sandbox. */
export function sh(script: string, options: Partial<SandboxRun> = {}): Promise<SandboxResult> {
  return sandbox.run({ argv: ['/bin/sh', '-c', script], files: new Map(), env: new Map(), limits: limits(), ...options });
}

/** Runs a Python program in the sandbox (python3 from /usr/bin, as the CI image has it). */
export function python(program: string, options: Partial<SandboxRun> = {}): Promise<SandboxResult> {
  return sandbox.run({ argv: ['/usr/bin/python3', '-c', program], files: new Map(), env: new Map(), limits: limits(), ...options });
}

/** A string unique to one test, to put on a job's command line and find it in the process table. */
export function marker(): string {
  return `rampart-sandbox-test-${randomUUID()}`;
}

export interface HostProcess {
  readonly pid: number;
  readonly uid: number;
  readonly cmdline: string;
}

/** Every host process whose command line contains `text` (the host's view of /proc). */
export function processesWith(text: string): HostProcess[] {
  const found: HostProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\u0000', ' ');
      if (!cmdline.includes(text)) continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? -1);
      found.push({ pid: Number(entry), uid, cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Every host process's command line, joined (to prove a value is on none of them). */
export function allCommandLines(): string {
  const lines: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      lines.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // Gone.
    }
  }
  return lines.join('\n');
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const text = (b: Buffer): string => b.toString('utf8');
