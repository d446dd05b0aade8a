/**
 * `runCli(argv, io)`: the whole `rampart` command run in-process with the given streams and
 * environment, answering its exit code — how tests run commands without a process each, and how
 * a tool may embed the CLI. Help and usage errors (commander's own exits) become exit codes too.
 */
import { Readable, Writable } from 'node:stream';
import { CommanderError, type Command } from 'commander';
import { buildCli } from '../index.js';
import { runWithIo, type CliIo } from './io.js';

export interface RunCliIo {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** stdin: a string, or a stream (a TTY stream gets prompts without echo). */
  readonly stdin?: string | CliIo['stdin'];
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  readonly fetch?: typeof fetch;
}

function everyCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const sub of command.commands) everyCommand(sub, visit);
}

const discard = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

/** Runs `rampart <argv…>` (argv without the node and script names); resolves with the exit code. */
export async function runCli(argv: readonly string[], options: RunCliIo = {}): Promise<number> {
  let exitCode = 0;
  const stdout = options.stdout ?? discard();
  const stderr = options.stderr ?? discard();
  const io: CliIo = {
    env: options.env ?? process.env,
    stdin: typeof options.stdin === 'string' || options.stdin === undefined ? Readable.from([options.stdin ?? '']) : options.stdin,
    stdout,
    stderr,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    setExitCode(code) {
      exitCode = code;
    },
  };
  const program = buildCli();
  everyCommand(program, (command) => {
    command.exitOverride();
    command.configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) });
  });
  try {
    await runWithIo(io, () => program.parseAsync([...argv], { from: 'user' }));
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode;
}
