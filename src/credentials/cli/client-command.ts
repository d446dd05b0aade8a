/** `rampart client …` (commands/client.ts): an org's OAuth service clients, managed by the operator. */
import { Command } from 'commander';
import type { CommandContext } from '../../kernel/part.js';

export interface ClientCreateOptions {
  readonly org: string;
  readonly owner: string;
  readonly name: string;
  readonly scopes: string;
  readonly authMethod: string;
  readonly jwks?: string;
}

export function clientCommand(context: CommandContext): Command {
  const { run } = context;
  const client = new Command('client').description('OAuth 2 service clients of an org (client_credentials)');
  client
    .command('create')
    .description('register a client; its scopes must be held by --owner in the org; a client secret is printed once')
    .requiredOption('--org <org>', 'the org (id or slug)')
    .requiredOption('--owner <user>', 'the user (id or email) whose permissions bound the client')
    .requiredOption('--name <name>', 'a name for people')
    .requiredOption('--scopes <list>', 'comma-separated org permissions, e.g. members.read,org.read')
    .option('--auth-method <method>', 'client_secret_basic or private_key_jwt', 'client_secret_basic')
    .option('--jwks <file>', 'private_key_jwt: a JSON file holding the public JWK Set')
    .option('--json', 'print results as JSON')
    .action(async (options: ClientCreateOptions, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./client.js')).runClientCreate(context, config, out, options),
      );
    });
  client
    .command('list')
    .description("list an org's clients (never a secret)")
    .requiredOption('--org <org>', 'the org (id or slug)')
    .option('--json', 'print results as JSON')
    .action(async (options: { org: string }, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./client.js')).runClientList(context, config, out, options.org),
      );
    });
  client
    .command('revoke <client_id>')
    .description('revoke a client and every token it holds')
    .requiredOption('--org <org>', 'the org (id or slug)')
    .option('--json', 'print results as JSON')
    .action(async (id: string, options: { org: string }, command: Command) => {
      process.exitCode = await run(command, async (config, out) =>
        (await import('./client.js')).runClientRevoke(context, config, out, options.org, id),
      );
    });
  return client;
}
