/**
 * `rampart audit …`: the tamper-evident log's commands. Their code is loaded only when run, as
 * every command's is.
 */
import { Command } from 'commander';
import type { RunCommand } from '../../kernel/part.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function auditCommand(run: RunCommand): Command {
  const audit = new Command('audit').description('the tamper-evident audit log: export, verify, tail and prune it');
  audit
    .command('export')
    .description('write the log as JSON lines (header, one line per entry with its leaf, then every checkpoint)')
    .option('--out <file>', 'write to this file (0600) instead of stdout')
    .option('--json', 'print results as JSON')
    .action(async (options: { out?: string }, command: Command) => {
      process.exitCode = await run(command, async (config, out) => (await import('./audit.js')).runAuditExport(config, out, options));
    });
  audit
    .command('verify [export-file]')
    .description(
      'recompute the tree of an export (or check a live server: --url, or the logged-in one) against its signed checkpoints, stating how many entries the newest checkpoint covers; exit 1 naming the first index that fails',
    )
    .option('--url <server>', 'verify a live server instead of an export (default: the logged-in server)')
    .option('--token <token>', 'bearer token for --url (optional: RAMPART_TOKEN or the stored login is used; avoid tokens on argv)')
    .option('--checkpoint <file>', 'a checkpoint saved earlier (a signed note, or a witness file); repeatable', collect, [])
    .option('--vkey <vkey-or-file>', 'the trusted verifier key (default: the one the export names)')
    .option('--json', 'print results as JSON')
    .action(
      async (
        file: string | undefined,
        options: { url?: string; token?: string; checkpoint: string[]; vkey?: string },
        command: Command,
      ) => {
        process.exitCode = await run(command, async (config, out) =>
          (await import('./audit.js')).runAuditVerify(config, out, { ...options, ...(file === undefined ? {} : { file }) }),
        );
      },
    );
  audit
    .command('tail')
    .description(
      'print the latest entries as JSON lines; --follow keeps streaming entries as they are integrated (from the local database, or over HTTP from --url or the logged-in server when there is none)',
    )
    .option('--follow', 'keep streaming new entries until interrupted')
    .option('--lines <n>', 'how many of the latest entries to print first (default 10)')
    .option('--url <server>', "follow this server's log over HTTP (token: RAMPART_TOKEN or the stored login)")
    .option('--org <id>', 'over HTTP: the org whose entries to follow (default system, the platform events; needs audit.read there)')
    .option('--json', 'entries are always JSON lines')
    .action(async (options: { follow?: boolean; lines?: string; url?: string; org?: string }, command: Command) => {
      process.exitCode = await run(command, async (config, out) => (await import('./audit.js')).runAuditTail(config, out, options));
    });
  audit
    .command('prune')
    .description('drop the payloads of entries older than RAMPART_AUDIT_RETENTION_DAYS (or --days), keeping their leaf hashes')
    .option('--days <n>', 'the age in days (default: RAMPART_AUDIT_RETENTION_DAYS)')
    .option('--json', 'print results as JSON')
    .action(async (options: { days?: string }, command: Command) => {
      process.exitCode = await run(command, async (config, out) => (await import('./audit.js')).runAuditPrune(config, out, options));
    });
  return audit;
}
