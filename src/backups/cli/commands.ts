/**
 * `rampart backup`, `rampart restore` and `rampart restore-drill` (src/backups/cli/backup-cli.ts): their code
 * is loaded only when run, as every command's is.
 */
import { Command } from 'commander';
import type { CommandContext } from '../../kernel/part.js';

export function registerBackupCommands(program: Command, context: CommandContext): void {
  program
    .command('backup')
    .description('take an encrypted, signed online backup of the database (and data files) while servers serve')
    .option('--dir <dir>', 'where to write it (default: RAMPART_BACKUP_DIR)')
    .option('--json', 'print results as JSON')
    .action(async (options: { dir?: string }, command: Command) => {
      process.exitCode = await context.run(command, async (config, out) =>
        (await import('./backup-cli.js')).runBackup(config, out, context, options),
      );
    });
  program
    .command('restore')
    .description('restore a verified backup into an empty data directory or database')
    .requiredOption('--from <backup>', 'a backup manifest (<dir>/bkp_….manifest.json), or a directory (its newest backup)')
    .option('--force', 'replace the data already there (needs --confirm)')
    .option('--confirm <backup-id>', 'with --force: the backup id, typed out')
    .option('--json', 'print results as JSON')
    .action(async (options: { from: string; force?: boolean; confirm?: string }, command: Command) => {
      process.exitCode = await context.run(command, async (config, out) =>
        (await import('./backup-cli.js')).runRestore(config, out, options),
      );
    });
  program
    .command('restore-drill')
    .description('restore the newest (or a named) backup into a scratch location, verify it, clean up, record a signed report')
    .option('--dir <dir>', 'the backups directory (default: RAMPART_BACKUP_DIR)')
    .option('--backup <id>', 'a backup id (bkp_…) or manifest file name in the directory; default: the newest')
    .option('--json', 'print results as JSON')
    .action(async (options: { dir?: string; backup?: string }, command: Command) => {
      process.exitCode = await context.run(command, async (config, out) =>
        (await import('./backup-cli.js')).runRestoreDrill(config, out, options),
      );
    });
}
