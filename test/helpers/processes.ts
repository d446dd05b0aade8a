/**
 * Child processes for tests that need a real process boundary (signals, exit codes, file modes
 * under a fresh umask): spawn, read stdout as JSON lines, wait for a line or the exit, and make
 * sure nothing outlives the suite (`stop` kills what is still running).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Child {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly stdout: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /** The first stdout line that parses as a JSON object matching `predicate`; rejects if the process exits first. */
  waitForJson(predicate: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
  /** Resolves once `check` holds for the stdout JSON objects so far; rejects if the process exits first. */
  waitUntil(check: (lines: readonly Record<string, unknown>[]) => boolean, what: string): Promise<void>;
  /** SIGKILL if still running; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** The environment without any RAMPART_* variable of the test process, plus `env`. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RAMPART_') && name !== 'NODE_OPTIONS') base[name] = value;
  }
  return { ...base, ...env };
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function startChild(command: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let err = '';
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line.trim() !== ''));
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    // 'close', not 'exit': by then stdout has been read to its end.
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
      for (const wake of waiters) wake();
    });
  });

  const objects = (): Record<string, unknown>[] =>
    lines.map(parseObject).filter((line): line is Record<string, unknown> => line !== undefined);
  const waitUntil = (check: (lines: readonly Record<string, unknown>[]) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const look = (): void => {
        if (check(objects())) {
          waiters.delete(look);
          resolve();
        } else if (done) {
          waiters.delete(look);
          reject(new Error(`${command} exited before printing ${what}; stderr: ${err.slice(0, 2000)}`));
        }
      };
      waiters.add(look);
      look();
    });

  return {
    process: child,
    stdout: lines,
    stderr: () => err,
    exited,
    waitUntil,
    async waitForJson(predicate, what) {
      await waitUntil((seen) => seen.some(predicate), what);
      const found = objects().find(predicate);
      if (found === undefined) throw new Error(`${what} vanished from stdout`);
      return found;
    },
    async stop() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
