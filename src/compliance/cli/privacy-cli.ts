/**
 * The work of `rampart privacy purge` and `rampart privacy record`. The purge composes Rampart
 * (without its background work) for the audit log and runs one purge; the record needs only the
 * declarations and the configuration. Exit codes: 0 done; 1 the purge failed (nothing deleted when
 * its audit entry could not be recorded).
 */
import type { RampartConfig } from '../../kernel/config.js';
import type { Output } from '../../kernel/cli/output.js';
import type { CommandContext } from '../../kernel/part.js';
import { RETENTION_DAYS } from '../config.js';
import { privacyRecord, privacyRecordMarkdown } from '../services/privacy-record.js';
import { retentionDaysOf, type PurgeReport } from '../services/retention-purge.js';

function purgeText(report: PurgeReport): string {
  const lines = report.kinds.map(
    (kind) =>
      `${kind.kind.padEnd(28)} ${kind.days === null ? 'kept (off)'.padEnd(12) : `${kind.days} days`.padEnd(12)} ` +
      (report.dryRun ? `${kind.matched} past retention` : `${kind.deleted} deleted`),
  );
  return [report.dryRun ? 'dry run: nothing deleted' : 'purged', ...lines].join('\n');
}

function purgeJson(report: PurgeReport) {
  return {
    dry_run: report.dryRun,
    started_at: new Date(report.startedAt).toISOString(),
    finished_at: new Date(report.finishedAt).toISOString(),
    kinds: report.kinds.map((kind) => ({
      kind: kind.kind,
      table: kind.table,
      variable: kind.variable,
      days: kind.days,
      matched: kind.matched,
      deleted: kind.deleted,
    })),
  };
}

export async function runPrivacyPurge(
  config: RampartConfig,
  out: Output,
  context: CommandContext,
  options: { dryRun: boolean },
): Promise<number> {
  const compliance = await context.compose(config, 'compliance', { besideServer: true });
  try {
    out.note(options.dryRun ? 'rampart: counting the rows past their retention' : 'rampart: purging the rows past their retention');
    const report = await compliance.facade.purge.run({ dryRun: options.dryRun });
    out.result(purgeJson(report), purgeText(report));
    return 0;
  } finally {
    await compliance.close();
  }
}

export function runPrivacyRecord(
  config: RampartConfig,
  out: Output,
  context: CommandContext,
  options: { markdown: boolean },
): Promise<number> {
  const declarations = context.privacy ?? { retention: [], processing: [] };
  const record = privacyRecord(declarations, config, retentionDaysOf(RETENTION_DAYS, config), Date.now());
  if (options.markdown && !out.json) {
    out.result(record, privacyRecordMarkdown(record));
    return Promise.resolve(0);
  }
  out.result(record, out.json ? '' : JSON.stringify(record, null, 2));
  return Promise.resolve(0);
}
