/**
 * `rampart privacy purge|record` and `rampart access-review [attest]` (src/compliance/cli/privacy-cli.ts,
 * src/compliance/cli/access-review-cli.ts): their code is loaded only when run, as every command's is.
 */
import { Command } from 'commander';
import type { CommandContext } from '../../kernel/part.js';

export function registerComplianceCommands(program: Command, context: CommandContext): void {
  const privacy = program.command('privacy').description('retention purge and the record of processing (GDPR Art. 30)');
  privacy
    .command('purge')
    .description('delete the personal data past its retention now (one audited entry with the counts per kind)')
    .option('--dry-run', 'count what would be deleted; delete and record nothing')
    .option('--json', 'print results as JSON')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      process.exitCode = await context.run(command, async (config, out) =>
        (await import('./privacy-cli.js')).runPrivacyPurge(config, out, context, { dryRun: options.dryRun === true }),
      );
    });
  privacy
    .command('record')
    .description("print the record of processing activities: each module's personal data, purpose, lawful basis, retention, recipients")
    .option('--markdown', 'print it as a markdown document')
    .option('--json', 'print results as JSON')
    .action(async (options: { markdown?: boolean }, command: Command) => {
      process.exitCode = await context.run(command, async (config, out) =>
        (await import('./privacy-cli.js')).runPrivacyRecord(config, out, context, { markdown: options.markdown === true }),
      );
    });
  const review = program
    .command('access-review')
    .description("an org's access review: every member, role, API key and service client, with last use")
    .option('--org <org>', 'the org (id or slug)')
    .option('--csv', 'print it as one CSV table')
    .option('--json', 'print results as JSON')
    .action(async (options: { org?: string; csv?: boolean }, command: Command) => {
      process.exitCode = await context.run(command, async (config, out) =>
        (await import('./access-review-cli.js')).runAccessReview(config, out, context, { org: options.org, csv: options.csv === true }),
      );
    });
  review
    .command('attest')
    .description("record that the org's access review was done (audited, kept)")
    .requiredOption('--org <org>', 'the org (id or slug)')
    .requiredOption('--note <note>', 'what was reviewed and found (1 to 2000 characters)')
    .option('--reviewed-at <time>', 'when it was reviewed (ISO 8601); default now')
    .option('--json', 'print results as JSON')
    .action(async (options: { org: string; note: string; reviewedAt?: string }, command: Command) => {
      process.exitCode = await context.run(command, async (config, out) =>
        (await import('./access-review-cli.js')).runAccessReviewAttest(config, out, context, options),
      );
    });
}
