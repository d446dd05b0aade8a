/**
 * The `rampart` command. Every command takes `--json` (results on stdout as JSON, progress on
 * stderr) and `--config <file>` (a JSON file of RAMPART_* keys; the environment wins).
 */
import { Command } from 'commander';
import { ConfigError, describeConfig, loadConfig, type RampartConfig } from '../config.js';
import { DataDirectoryError } from '../adapters/fs/data-directory.js';
import { VERSION } from '../version.js';
import { createOutput, type Output } from './output.js';
import { runDoctor } from './commands/doctor.js';
import { runInit } from './commands/init.js';
import { runMigrate } from './commands/migrate.js';
import { runServe } from './commands/serve.js';

interface GlobalOptions {
  config?: string;
  json?: boolean;
}

/** Runs one command; returns its exit code. Expected failures print one line, never a stack. */
async function run(command: Command, action: (config: RampartConfig, out: Output) => Promise<number>): Promise<number> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const out = createOutput(options.json === true);
  try {
    const config = loadConfig(options.config === undefined ? {} : { file: options.config });
    return await action(config, out);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DataDirectoryError) {
      if (out.json) out.result({ error: { message: error.message } }, '');
      else out.note(`rampart: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

export function buildCli(): Command {
  const program = new Command('rampart')
    .description('Rampart, the security control plane for multi-tenant software')
    .version(VERSION)
    .option('-c, --config <file>', 'JSON file of RAMPART_* settings (the environment wins)')
    .option('--json', 'print results as JSON')
    .showHelpAfterError();

  const commands: [string, string, (config: RampartConfig, out: Output) => Promise<number>][] = [
    ['init', 'create the data directory (0700) and the master key file; safe to run again', runInit],
    ['serve', 'run the server (migrates first); SIGTERM drains in-flight requests', runServe],
    ['migrate', 'apply pending database migrations', runMigrate],
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
    ['doctor', 'check the deployment (file modes, keys, TLS, secrets, proxies, CORS, stores); exit 1 on a fail', runDoctor],
  ];
  for (const [name, description, action] of commands) {
    program
      .command(name)
      .description(description)
      .option('--json', 'print results as JSON')
      .action(async (_options: unknown, command: Command) => {
        process.exitCode = await run(command, action);
      });
  }
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await buildCli().parseAsync([...argv]);
}
