/**
 * Where a remote command reads and writes: the process's streams and environment by default, or
 * those given to {@link runWithIo} (tests run the CLI in-process this way, with captured output and
 * a stdin of their own). Held in an AsyncLocalStorage, so the commander tree built once by
 * `buildCli` serves both without a global that two concurrent runs would share.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The `fetch` the SDK uses (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Records a command's exit code. */
  setExitCode(code: number): void;
}

const storage = new AsyncLocalStorage<CliIo>();

function processIo(): CliIo {
  return {
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    setExitCode(code) {
      process.exitCode = code;
    },
  };
}

/** The I/O of the command running now. */
export function currentIo(): CliIo {
  return storage.getStore() ?? processIo();
}

/** Runs `work` with `io` as the commands' I/O. */
export function runWithIo<T>(io: CliIo, work: () => Promise<T>): Promise<T> {
  return storage.run(io, work);
}
