/** `rampart secrets …` (commands/secrets.ts): its code is loaded only when run, as every command's is. */
import { Command } from 'commander';
import type { RunCommand } from '../../kernel/part.js';

export function secretsCommand(run: RunCommand): Command {
  const secrets = new Command('secrets').description('secrets key management: data-key rotation, rewrap, min_decryption_version');
  secrets
    .command('rotate-data-keys')
    .description("retire every org's active data key (or one org's); new values go under fresh keys")
    .option('--org <org-id>', 'only this org (its id, org_…)')
    .option('--json', 'print results as JSON')
    .action(async (options: { org?: string }, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./secrets.js')).runSecretsRotateDataKeys(config, out, options.org),
      );
    });
  secrets
    .command('rewrap')
    .description('re-seal every version stored under a retired data key under its org’s newest key; resumable')
    .option('--json', 'print results as JSON')
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await run(command, async (config, out) => (await import('./secrets.js')).runSecretsRewrap(config, out));
    });
  secrets
    .command('min-version <org-id> <name> <version>')
    .description('refuse reveals of versions below <version> (min_decryption_version)')
    .option('--json', 'print results as JSON')
    .action(async (org: string, name: string, version: string, _options: unknown, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./secrets.js')).runSecretsMinVersion(config, out, org, name, Number(version)),
      );
    });
  return secrets;
}
