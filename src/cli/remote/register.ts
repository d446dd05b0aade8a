/**
 * The remote commands: `rampart login`/`logout`/`whoami`, and the groups that work over the HTTP
 * API through the SDK (src/sdk/) with the stored login — users, orgs, members, roles, api-keys,
 * clients, sessions, secrets, audit list — and `completion`. A group some capability already
 * registered for its local commands (`sessions`, `secrets`, `audit`) gets these as more
 * subcommands; a name already taken there is left to its owner. Each command's work is loaded
 * when it runs, as every command's is.
 */
import type { Command } from 'commander';
import type { RemoteContext } from './remote-command.js';

type Work = (context: RemoteContext, ...args: never[]) => Promise<number>;

/** The action of a remote command: commander's arguments (positionals, options) go to `work`. */
function remote(load: () => Promise<Work>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const { runRemote } = await import('./remote-command.js');
    await runRemote(command, async (context) => {
      const work = (await load()) as (context: RemoteContext, ...rest: unknown[]) => Promise<number>;
      return work(context, ...args.slice(0, -1));
    });
  };
}

/** The group `name` on `program`, created with `description` when no capability made it. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((command) => command.name() === name) ?? program.command(name).description(description);
}

/** Adds `spec` (e.g. `revoke <id>`) to `parent` unless its name is taken there; returns it for options. */
function sub(parent: Command, spec: string, description: string): Command | undefined {
  const name = spec.split(' ')[0] ?? spec;
  if (parent.commands.some((command) => command.name() === name || command.aliases().includes(name))) return undefined;
  return parent.command(spec).description(description).option('--json', 'print results as JSON');
}

const users = () => import('./actions/users.js');
const orgs = () => import('./actions/orgs.js');
const roles = () => import('./actions/roles.js');
const credentials = () => import('./actions/credentials.js');
const sessions = () => import('./actions/sessions.js');
const secrets = () => import('./actions/secrets.js');
const audit = () => import('./actions/audit.js');
const session = () => import('./actions/login.js');

const PAGE = (command: Command | undefined): Command | undefined =>
  command?.option('--limit <n>', 'how many per page').option('--cursor <cursor>', 'the next page, from the previous answer');

function registerSession(program: Command): void {
  sub(
    program,
    'login [url]',
    'log in to a server (default RAMPART_URL, the last one, or http://127.0.0.1:8080); password and code are prompted',
  )
    ?.option('--email <email>', 'the account (prompted when absent)')
    .option('--api-key', 'log in with an API key read from stdin instead of a password')
    .option('--device-name <name>', 'how the session is named in `sessions list`')
    .action(remote(async () => (await session()).login as Work));
  sub(program, 'logout', 'end the stored session on the server and remove the login file')?.action(
    remote(async () => (await session()).logout as Work),
  );
  sub(program, 'password', "change the logged-in account's password (current and new read from the terminal or stdin)")?.action(
    remote(async () => (await session()).changePassword as Work),
  );
  sub(program, 'whoami', 'who the stored login (or RAMPART_TOKEN) is: account, orgs and roles')?.action(
    remote(async () => (await session()).whoami as Work),
  );
  sub(program, 'completion <shell>', 'print a completion script for bash, zsh or fish')?.action(
    async (shell: string, _options: unknown, command: Command) => {
      const { runRemote } = await import('./remote-command.js');
      await runRemote(command, async (context) => (await import('./actions/completion.js')).completion(context, shell, program));
    },
  );
}

function registerUsers(program: Command): void {
  const g = group(program, 'users', 'platform user accounts over the API (users.manage)');
  sub(g, 'create <email>', 'create an account; without --password-stdin a set-password token is printed once')
    ?.option('--name <name>', 'the display name')
    .option('--password-stdin', 'read the initial password from stdin')
    .action(remote(async () => (await users()).create as Work));
  PAGE(sub(g, 'list', 'list accounts'))
    ?.option('--email <email>', 'only this email')
    .action(remote(async () => (await users()).list as Work));
  sub(g, 'show <user>', 'one account (id or email)')?.action(remote(async () => (await users()).show as Work));
  sub(g, 'disable <user>', 'disable an account (id or email): it can no longer sign in')?.action(
    remote(async () => (await users()).disable as Work),
  );
  sub(g, 'enable <user>', 'enable a disabled account')?.action(remote(async () => (await users()).enable as Work));
  sub(g, 'reset-password <user>', 'mail the account a single-use password-reset link')?.action(
    remote(async () => (await users()).resetPassword as Work),
  );
  sub(g, 'sessions <user>', 'revoke every session and refresh token of an account, at once')?.action(
    remote(async () => (await users()).revokeSessions as Work),
  );
}

function registerOrgs(program: Command): void {
  const g = group(program, 'orgs', 'organisations');
  sub(g, 'create <name>', 'create an org; you become its owner')
    ?.option('--slug <slug>', 'its slug (derived from the name otherwise)')
    .action(remote(async () => (await orgs()).create as Work));
  PAGE(sub(g, 'list', 'the orgs you belong to'))?.action(remote(async () => (await orgs()).list as Work));
  sub(g, 'show <org>', 'one org (id or slug)')?.action(remote(async () => (await orgs()).show as Work));
  sub(g, 'delete <org>', 'delete an org and all of its data (owner)')
    ?.option('--yes', 'confirm')
    .action(remote(async () => (await orgs()).remove as Work));

  const m = group(program, 'members', "an org's members");
  PAGE(sub(m, 'list <org>', "list an org's members"))?.action(remote(async () => (await orgs()).members as Work));
  sub(m, 'add <org> <who>', 'invite an email (they accept), or add a user id at once (platform admins)')
    ?.alias('invite')
    .requiredOption('--role <role>', 'owner, admin, operator, viewer, auditor or a custom role')
    .action(remote(async () => (await orgs()).addMember as Work));
  sub(m, 'set-role <org> <user> <role>', "change a member's role (user id or email)")?.action(
    remote(async () => (await orgs()).setRole as Work),
  );
  sub(m, 'remove <org> <user>', 'remove a member (user id or email)')?.action(remote(async () => (await orgs()).removeMember as Work));

  const r = group(program, 'roles', "an org's roles");
  PAGE(sub(r, 'list <org>', 'built-in and custom roles with their permissions'))?.action(remote(async () => (await roles()).list as Work));
  sub(r, 'put <org> <name>', 'create or replace a custom role')
    ?.requiredOption('--permissions <list>', 'comma-separated permissions, e.g. members.read,vm.export')
    .action(remote(async () => (await roles()).put as Work));
}

function registerCredentials(program: Command): void {
  const k = group(program, 'api-keys', 'your API keys');
  sub(k, 'create', 'create a key; it is printed once')
    ?.requiredOption('--name <name>', 'a name for people')
    .requiredOption('--scopes <list>', 'comma-separated permissions (never beyond yours)')
    .option('--org <org>', 'the org the key acts in')
    .option('--expires-at <time>', 'RFC 3339 expiry')
    .action(remote(async () => (await credentials()).createKey as Work));
  PAGE(sub(k, 'list', 'your keys (never a secret)'))?.action(remote(async () => (await credentials()).listKeys as Work));
  sub(k, 'rotate <id>', 'a new key; the old one works for --grace seconds (default 0)')
    ?.option('--grace <seconds>', 'how long the old key keeps working (max 86400)')
    .action(remote(async () => (await credentials()).rotateKey as Work));
  sub(k, 'revoke <id>', 'revoke a key, at once')?.action(remote(async () => (await credentials()).revokeKey as Work));

  const c = group(program, 'clients', "an org's OAuth service clients, over the API (clients.manage)");
  sub(c, 'create <org>', 'register a client; a client secret is printed once')
    ?.requiredOption('--name <name>', 'a name for people')
    .requiredOption('--scopes <list>', 'comma-separated org permissions')
    .option('--auth-method <method>', 'client_secret_basic or private_key_jwt', 'client_secret_basic')
    .option('--jwks <file>', 'private_key_jwt: a JSON file holding the public JWK Set')
    .action(remote(async () => (await credentials()).createClient as Work));
  PAGE(sub(c, 'list <org>', "an org's clients"))?.action(remote(async () => (await credentials()).listClients as Work));
  sub(c, 'revoke <org> <client_id>', 'revoke a client and every token it holds')?.action(
    remote(async () => (await credentials()).revokeClient as Work),
  );
}

function registerData(program: Command): void {
  const s = group(program, 'sessions', 'sessions');
  PAGE(sub(s, 'list', 'your sessions'))?.action(remote(async () => (await sessions()).list as Work));
  sub(s, 'revoke <id>', 'end one of your sessions')?.action(remote(async () => (await sessions()).revoke as Work));
  sub(s, 'revoke-others', 'end every session of yours but this one')?.action(remote(async () => (await sessions()).revokeOthers as Work));

  const v = group(program, 'secrets', 'secrets');
  sub(v, 'put <org> <name>', 'store a new version; the value from stdin (or --file), never argv')
    ?.option('--file <file>', 'read the value from this file')
    .action(remote(async () => (await secrets()).put as Work));
  sub(v, 'get <org> <name>', 'print the value (only the value) on stdout; audited')
    ?.option('--secret-version <n>', 'an older version of the secret')
    .action(remote(async () => (await secrets()).get as Work));
  PAGE(sub(v, 'list <org>', "an org's secrets: names and versions, never values"))?.action(
    remote(async () => (await secrets()).list as Work),
  );
  sub(v, 'delete <org> <name>', 'delete a secret')?.action(remote(async () => (await secrets()).remove as Work));

  const a = group(program, 'audit', 'the audit log');
  PAGE(sub(a, 'list', "an org's audit entries, or the platform's (the system org) without --org"))
    ?.option('--org <org>', 'the org (id or slug); default: the platform (system)')
    .option('--action <action>', 'only this action')
    .option('--actor <id>', 'only this actor')
    .option('--result <result>', 'success or failure')
    .option('--since <time>', 'RFC 3339')
    .option('--until <time>', 'RFC 3339')
    .action(remote(async () => (await audit()).list as Work));
}

/** Adds every remote command to `program` (after the capabilities' own). */
export function registerRemoteCommands(program: Command): void {
  registerSession(program);
  registerUsers(program);
  registerOrgs(program);
  registerCredentials(program);
  registerData(program);
}
