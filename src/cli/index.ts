/**
 * The `rampart` command. Every command takes `--json` (results on stdout as JSON, progress on
 * stderr) and `--config <file>` (a JSON file of RAMPART_* keys; the environment wins). Each
 * command's work is loaded when it runs: `rampart config` does not start the HTTP server. The
 * capabilities add their own commands (`rampart audit`, `secrets`, `client`, `user`) from
 * `capabilities.ts`, and a command that needs a composed capability asks `context.compose`.
 */
import { Command } from 'commander';
import { ConfigError, describeConfig, loadConfig } from '../config.js';
import { TokenCustodyError } from '../kernel/custody/key-custody.js';
import { DataDirectoryError, prepareDataDirectory } from '../kernel/adapters/fs/data-directory.js';
import { DataDirLockedError, holdForCommand, type DataDirLock } from '../kernel/adapters/fs/data-dir-lock.js';
import { DatabaseConnectionError } from '../kernel/adapters/sql/connection-error.js';
import { VERSION } from '../version.js';
import { backupFilesOf, CAPABILITIES, PRIVACY_DECLARATIONS } from '../capabilities.js';
import type { CommandAction, CommandContext } from '../kernel/part.js';
import { createOutput } from '../kernel/cli/output.js';
import { registerRemoteCommands } from './remote/register.js';

interface GlobalOptions {
  config?: string;
  json?: boolean;
}

type Action = CommandAction;

/**
 * Runs one command; returns its exit code. An expected failure (bad configuration, a data
 * directory open to others) exits 2 with one line on stderr, never a stack; with `--json`, stdout
 * also carries it as `{"error": {…}}`.
 */
async function run(command: Command, action: Action): Promise<number> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const out = createOutput(options.json === true);
  try {
    const config = loadConfig(options.config === undefined ? {} : { file: options.config });
    return await action(config, out);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof DataDirectoryError ||
      error instanceof DataDirLockedError ||
      error instanceof DatabaseConnectionError ||
      error instanceof TokenCustodyError
    ) {
      const variable = error instanceof ConfigError ? { variable: error.variable } : {};
      if (out.json) out.result({ error: { ...variable, message: error.message } }, '');
      out.note(`rampart: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** The data directory's lock for a writing command (created first if missing, as the start would). */
function lockForCommand(dataDir: string): DataDirLock | undefined {
  prepareDataDirectory(dataDir);
  return holdForCommand(dataDir);
}

export function buildCli(): Command {
  const program = new Command('rampart')
    .description('Rampart, the security control plane for multi-tenant software')
    .version(VERSION)
    .option('-c, --config <file>', 'JSON file of RAMPART_* settings (the environment wins)')
    .option('--json', 'print results as JSON')
    .showHelpAfterError();

  const commands: [string, string, Action][] = [
    [
      'init',
      'create the data directory (0700) and the master key file; safe to run again',
      async (config, out) => (await import('./commands/init.js')).runInit(config, out),
    ],
    [
      'serve',
      'run the server (migrates first); SIGTERM drains in-flight requests',
      async (config, out) => (await import('./commands/serve.js')).runServe(config, out),
    ],
    [
      'migrate',
      'apply pending database migrations',
      async (config, out) => (await import('./commands/migrate.js')).runMigrate(config, out),
    ],
    [
      'config',
      'print the effective configuration, secrets redacted',
      async (config, out) => {
        const described = describeConfig(config);
        out.result(
          described,
          Object.entries(described)
            .map(([name, value]) => `${name}=${value === null ? '' : String(value)}`)
            .join('\n'),
        );
        return 0;
      },
    ],
    [
      'doctor',
      'check the deployment (file modes, keys, TLS, secrets, proxies, CORS, stores); exit 1 on a fail',
      async (config, out) => (await import('./commands/doctor.js')).runDoctor(config, out),
    ],
  ];
  const keys = program.command('keys').description('access-token signing keys and the secrets’ key-encryption key');
  keys
    .command('rotate')
    .description('add a new signing key; the current one keeps verifying until it retires (1 h)')
    .option('--json', 'print results as JSON')
    .option(
      '--purpose <purpose>',
      'access-tokens (default), or artifacts / licences: the DSSE and licence keys (the retired one verifies for RAMPART_SIGNING_RETIRED_KEY_WINDOW)',
    )
    .action(async (options: { purpose?: string }, command: Command) => {
      const purpose = options.purpose;
      if (purpose === 'artifacts' || purpose === 'licences') {
        process.exitCode = await run(command, async (config, out) =>
          (await import('../signing/index.js')).runSigningKeysRotate(config, out, purpose, context.compose),
        );
        return;
      }
      if (purpose !== undefined && purpose !== 'access-tokens') {
        command.error(`--purpose must be access-tokens, artifacts or licences`);
      }
      process.exitCode = await run(command, async (config, out) => (await import('./commands/keys.js')).runKeysRotate(config, out));
    });
  keys
    .command('rotate-kek')
    .description('rewrap every data key and signing seed under a new key-encryption key while servers serve; resumable after a crash')
    .option('--json', 'print results as JSON')
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./commands/keys.js')).runKeysRotateKek(config, out, context.compose),
      );
    });
  const custody = keys.command('custody').description('where every key lives: the master key, or a PKCS#11 token');
  custody
    .command('status')
    .description('where the root key and each key kind live')
    .option('--json', 'print results as JSON')
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./commands/keys-custody.js')).runKeysCustodyStatus(config, out),
      );
    });
  custody
    .command('migrate')
    .description('seal the master key as the root key in the PKCS#11 token (audited; resumable); then unset RAMPART_MASTER_KEY')
    .option('--remove-key-file', 'delete master.key once the token opens the sealed root')
    .option('--json', 'print results as JSON')
    .action(async (options: { removeKeyFile?: boolean }, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./commands/keys-custody.js')).runKeysCustodyMigrate(config, out, options.removeKeyFile === true),
      );
    });
  for (const [name, description, action] of commands) {
    program
      .command(name)
      .description(description)
      .option('--json', 'print results as JSON')
      .action(async (_options: unknown, command: Command) => {
        process.exitCode = await run(command, action);
      });
  }
  const context: CommandContext = {
    run,
    backupFiles: backupFilesOf,
    privacy: PRIVACY_DECLARATIONS,
    async compose(config, name, options) {
      // Logs on stderr: stdout carries only the command's result (with --json, one JSON line).
      const { createLogger } = await import('../kernel/adapters/log/pino-logger.js');
      // An embedded data directory is written by one process at a time: a server serving it
      // refuses the command (naming its pid and the remote CLI), and a server started while the
      // command runs is refused (src/kernel/adapters/fs/data-dir-lock.ts).
      const lock = config.databaseUrl === undefined && options?.besideServer !== true ? lockForCommand(config.dataDir) : undefined;
      try {
        const rampart = await (
          await import('../rampart.js')
        ).createRampart(config, {
          logger: createLogger(config.logLevel, process.stderr),
          // A command does its own work only: a running server's workers own the queues and schedules.
          background: false,
        });
        return {
          facade: rampart.facade(name),
          close: async () => {
            try {
              await rampart.close();
            } finally {
              lock?.release();
            }
          },
        };
      } catch (error) {
        lock?.release();
        throw error;
      }
    },
  };
  for (const capability of CAPABILITIES) capability.commands?.(program, context);
  registerRemoteCommands(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await buildCli().parseAsync([...argv]);
}
