/**
 * The work of `rampart backup`, `rampart restore` and `rampart restore-drill`: progress on stderr,
 * the result on stdout (one JSON line with `--json`). Exit codes: 0 done; 1 a backup refused
 * (naming the check), a drill that failed (naming the check) or a restore whose audit log does not
 * verify; 2 bad usage (no directory).
 */
import type { RampartConfig } from '../../kernel/config.js';
import type { Output } from '../../kernel/cli/output.js';
import type { CommandContext } from '../../kernel/part.js';
import { backupPorts } from '../adapters/backup-ports.js';
import { IdentityCanaryAccounts } from '../adapters/identity-canary-accounts.js';
import { createBackup, type ProgressListener } from '../services/backup.js';
import { BackupRefusedError } from '../services/backup-verification.js';
import { MissingMasterKeyError } from '../services/backup-runtime.js';
import { runRestoreDrill as drill } from '../services/drill.js';
import { restoreBackup } from '../services/restore.js';

function progressOf(out: Output): ProgressListener {
  let last = 0;
  return (done, total, what) => {
    const now = Date.now();
    if (total === undefined) {
      if (now - last < 500) return;
      last = now;
      out.note(`${(done / 1_048_576).toFixed(1)} MiB ${what}`);
      return;
    }
    out.progress(done, total, what);
  };
}

function directoryOf(config: RampartConfig, dir: string | undefined, out: Output): string | undefined {
  const chosen = dir ?? (config as Partial<Pick<RampartConfig, 'backupDir'>>).backupDir;
  if (chosen === undefined || chosen === '') out.note('rampart: give --dir or set RAMPART_BACKUP_DIR');
  return chosen === '' ? undefined : chosen;
}

/** Refusals and a missing master key end with exit 1 and their reason; anything else is rethrown. */
function refused(out: Output, error: unknown): number {
  if (error instanceof BackupRefusedError || error instanceof MissingMasterKeyError) {
    const code = error instanceof BackupRefusedError ? error.code : 'master_key_missing';
    if (out.json) out.result({ ok: false, error: { code, message: error.message } }, '');
    out.note(`rampart: refused: ${error.message}`);
    return 1;
  }
  throw error;
}

export async function runBackup(config: RampartConfig, out: Output, context: CommandContext, options: { dir?: string }): Promise<number> {
  const dir = directoryOf(config, options.dir, out);
  if (dir === undefined) return 2;
  // The drill canary is created through the identity capability (once an account exists).
  const identity = await context.compose(config, 'identity', { besideServer: true });
  try {
    const report = await createBackup(config, {
      dir,
      ports: backupPorts(),
      files: context.backupFiles(config),
      onProgress: progressOf(out),
      canary: new IdentityCanaryAccounts(identity.facade),
    });
    const rows = Object.values(report.tables).reduce((sum, n) => sum + n, 0);
    out.result(
      { ok: true, ...report },
      `backup ${report.id}: ${(report.bytes / 1_048_576).toFixed(1)} MiB, ${Object.keys(report.tables).length} tables, ${rows} rows, in ${report.durationMs} ms\n  manifest ${report.manifest}`,
    );
    return 0;
  } catch (error) {
    return refused(out, error);
  } finally {
    await identity.close();
  }
}

export async function runRestore(
  config: RampartConfig,
  out: Output,
  options: { from: string; force?: boolean; confirm?: string },
): Promise<number> {
  try {
    const report = await restoreBackup(config, { ...options, ports: backupPorts(), onProgress: progressOf(out) });
    const witness = report.audit.witness;
    if (witness !== null && !witness.ok) out.note(`rampart: WARNING: ${witness.detail}`);
    out.result(
      { ok: report.audit.ok, ...report },
      report.audit.ok
        ? `restored backup ${report.backup} (${new Date(report.createdAt).toISOString()}); audit log: ${report.audit.detail}`
        : `restored backup ${report.backup}, but its audit log FAILED its check: ${report.audit.detail}`,
    );
    return report.audit.ok ? 0 : 1;
  } catch (error) {
    return refused(out, error);
  }
}

export async function runRestoreDrill(config: RampartConfig, out: Output, options: { dir?: string; backup?: string }): Promise<number> {
  const dir = directoryOf(config, options.dir, out);
  if (dir === undefined) return 2;
  try {
    const report = await drill(config, {
      ports: backupPorts(),
      dir,
      ...(options.backup === undefined ? {} : { backup: options.backup }),
      onProgress: progressOf(out),
    });
    const failed = report.checks.filter((check) => !check.ok);
    const lines = report.checks.map((check) => `  ${check.ok ? 'pass' : 'FAIL'} ${check.name} (${check.ms} ms): ${check.detail}`);
    out.result(
      report,
      `${report.ok ? 'restore drill passed' : `restore drill FAILED: ${failed.map((check) => check.name).join(', ')}`} (backup ${report.backup}, ${report.finishedAt - report.startedAt} ms)\n${lines.join('\n')}`,
    );
    return report.ok ? 0 : 1;
  } catch (error) {
    return refused(out, error);
  }
}
