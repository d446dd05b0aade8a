/**
 * `rampart audit export` and `rampart audit verify`: the log in JSON lines — a header with the
 * origin and the verifier key, one line per entry (`{"entry": {…, "leaf_hash"}, "leaf": "…"}`,
 * the spec's entry fields and the leaf they must give), then every signed checkpoint
 * (`{"checkpoint": "<note>"}`) — and its verification, from an export or a live server, by anyone
 * holding the verifier key. Export streams in pages; verify reads the file twice (checkpoints,
 * then entries) so memory stays O(log n) whatever the log's size.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SqlAuditLedger } from '../adapters/sql-audit-ledger.js';
import { openDatabase, SQLITE_FILE } from '../../kernel/adapters/sql/sql-database.js';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqlAuditReader } from '../adapters/sql-audit-reader.js';
import { SqlAuditSubjects } from '../adapters/sql-audit-subjects.js';
import { auditOrigin, auditSubjectKeyWrap } from '../compose.js';
import { existingMasterKeyOf } from '../../kernel/master-key.js';
import type { RampartConfig } from '../../kernel/config.js';
import { auditLeafObject } from '../crypto/audit-leaf.js';
import { ERASED } from '../crypto/audit-personal.js';
import { integratedSize } from '../adapters/audit-tree-append.js';
import { parseVkey, type NoteVerifier } from '../crypto/signed-note.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { AuditExportVerifier, type ExportReport } from '../services/audit-export-verifier.js';
import type { Output } from '../../kernel/cli/output.js';
import { verifyLiveLog } from './audit-live.js';
import { LoginStoreError, storedLogin } from '../../kernel/cli/login-store.js';

const PAGE = 1000;
export const EXPORT_FORMAT = 'rampart-audit-export/1';

export async function runAuditExport(config: RampartConfig, out: Output, options: { out?: string }): Promise<number> {
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    const ledger = await SqlAuditLedger.open(database, { origin: auditOrigin(config), clock: systemClock });
    const treeSize = await ledger.treeSize();
    const sink = options.out === undefined ? process.stdout : createWriteStream(options.out, { mode: 0o600 });
    const write = async (value: unknown): Promise<void> => {
      if (!sink.write(`${JSON.stringify(value)}\n`)) await once(sink, 'drain');
    };
    await write({ format: EXPORT_FORMAT, origin: ledger.origin, verifier_key: ledger.verifierKey(), tree_size: treeSize });
    const reader = readerOf(config, database);
    let entries = 0;
    for (let from = 0; ;) {
      const page = await reader.readFrom(from, PAGE);
      for (const read of page) {
        if (read.dropped !== undefined) {
          await write({ entry: { index: read.index, leaf_hash: read.leafHash }, payload: read.dropped });
          continue;
        }
        const personal =
          read.personal === undefined
            ? {}
            : { personal: read.disclosure === undefined ? ERASED : { salt: read.disclosure.salt, values: read.disclosure.values } };
        await write({ entry: { ...auditLeafObject(read.entry, read.personal), leaf_hash: read.leafHash }, leaf: read.leaf, ...personal });
      }
      entries += page.length;
      out.progress(entries, treeSize, 'entries exported');
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE) break;
      from = last.index + 1;
    }
    const checkpoints = await ledger.checkpoints();
    for (const checkpoint of checkpoints) await write({ checkpoint: checkpoint.note });
    if (sink !== process.stdout) {
      sink.end();
      await once(sink, 'finish');
    }
    const summary = { out: options.out ?? null, tree_size: treeSize, entries, checkpoints: checkpoints.length };
    const text = `exported ${entries} entries and ${checkpoints.length} checkpoints`;
    if (options.out === undefined) out.note(text);
    else out.result(summary, text);
    return 0;
  } finally {
    await database.close();
  }
}

/** The reader of a CLI command: personal fields disclosed when the master key is at hand, read as `[erased]` otherwise. */
function readerOf(config: RampartConfig, database: ReturnType<typeof openDatabase>): SqlAuditReader {
  // Only a master key that exists: an auditor's export elsewhere must not create one.
  const masterKey = existingMasterKeyOf(config);
  const wrap = masterKey === undefined ? undefined : auditSubjectKeyWrap(masterKey);
  return new SqlAuditReader(database.db, new SqlAuditSubjects(wrap));
}

/**
 * `rampart audit tail`: the last `lines` entries as JSON lines (the spec's Entry shape) on
 * stdout; with `follow`, then every entry as it is integrated, polling every `pollMs`, until
 * SIGINT/SIGTERM (or `signal`).
 */
export async function runAuditTail(
  config: RampartConfig,
  _out: Output,
  options: { follow?: boolean; lines?: string; pollMs?: number; signal?: AbortSignal; url?: string; org?: string },
): Promise<number> {
  const lines = options.lines === undefined ? 10 : Number(options.lines);
  if (!Number.isSafeInteger(lines) || lines < 0) {
    _out.note('rampart: --lines must be a non-negative integer');
    return 2;
  }
  // A server over HTTP when asked for, or when this machine has no database of its own.
  const local = config.databaseUrl !== undefined || existsSync(join(config.dataDir, SQLITE_FILE));
  if (options.url !== undefined || !local) {
    const { runRemoteTail } = await import('./audit-tail-remote.js');
    return runRemoteTail(_out, {
      lines,
      ...(options.url === undefined ? {} : { url: options.url }),
      ...(options.org === undefined ? {} : { org: options.org }),
      ...(options.follow === undefined ? {} : { follow: options.follow }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  options.signal?.addEventListener('abort', onSignal);
  try {
    const reader = readerOf(config, database);
    let next = Math.max(0, (await integratedSize(database.db)) - lines);
    const write = async (value: unknown): Promise<void> => {
      if (!process.stdout.write(`${JSON.stringify(value)}\n`)) await once(process.stdout, 'drain');
    };
    for (;;) {
      const page = await reader.from(next, PAGE);
      for (const view of page) await write(view);
      next += page.length;
      if (page.length === PAGE) continue;
      if (options.follow !== true || stop.signal.aborted) return 0;
      try {
        await sleep(options.pollMs ?? 500, undefined, { signal: stop.signal });
      } catch {
        return 0;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await database.close();
  }
}

/** `rampart audit prune`: drops the payloads of entries older than the retention (or `--days`), keeping their leaf hashes. */
export async function runAuditPrune(config: RampartConfig, out: Output, options: { days?: string }): Promise<number> {
  const days = options.days === undefined ? config.auditRetentionDays : Number(options.days);
  if (days === undefined) {
    out.note('rampart: no retention: set RAMPART_AUDIT_RETENTION_DAYS or give --days');
    return 2;
  }
  if (!Number.isSafeInteger(days) || days < 1) {
    out.note('rampart: --days must be a positive integer');
    return 2;
  }
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    const before = systemClock.now() - days * 86_400_000;
    const expired = await readerOf(config, database).expire(before);
    out.result({ expired, before: new Date(before).toISOString() }, `dropped the payloads of ${expired} entries older than ${days} days`);
    return 0;
  } finally {
    await database.close();
  }
}

export interface VerifyOptions {
  readonly file?: string;
  readonly url?: string;
  readonly token?: string;
  readonly checkpoint?: readonly string[];
  readonly vkey?: string;
}

async function* jsonLines(file: string): AsyncGenerator<unknown> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as unknown;
    } catch {
      yield undefined;
    }
  }
}

/** Signed notes from saved checkpoint files: one raw note, or JSON lines `{"checkpoint": …}` (a witness file). */
export function readSavedCheckpoints(files: readonly string[]): string[] {
  const notes: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!text.startsWith('{')) {
      notes.push(text);
      continue;
    }
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      const value = JSON.parse(line) as { checkpoint?: unknown };
      if (typeof value.checkpoint === 'string') notes.push(value.checkpoint);
    }
  }
  return notes;
}

export function trustedVerifier(vkeyText: string): NoteVerifier {
  const text = existsSync(vkeyText) ? readFileSync(vkeyText, 'utf8') : vkeyText;
  const parsed = parseVkey(text.trim());
  if (!parsed.ok) throw new Error(`the verifier key is not a valid vkey (${parsed.code})`);
  return parsed.verifier;
}

/** Verifies an export file; the verifier key is `--vkey` when given, else the export's own. */
export async function verifyExportFile(file: string, options: VerifyOptions): Promise<ExportReport> {
  let header: { verifier_key?: unknown } | undefined;
  const notes: string[] = [];
  for await (const line of jsonLines(file)) {
    const value = (line ?? {}) as { format?: unknown; checkpoint?: unknown };
    if (header === undefined && value.format === EXPORT_FORMAT) header = value as { verifier_key?: unknown };
    if (typeof value.checkpoint === 'string') notes.push(value.checkpoint);
  }
  if (header === undefined || typeof header.verifier_key !== 'string') throw new Error(`${file} is not a Rampart audit export`);
  const verifier = trustedVerifier(options.vkey ?? header.verifier_key);
  // The origin is the checkpoint key's name (the log's identity).
  const verify = new AuditExportVerifier([...notes, ...readSavedCheckpoints(options.checkpoint ?? [])], verifier, verifier.name);
  for await (const line of jsonLines(file)) {
    if (verify.failed) break;
    const value = line as { format?: unknown; checkpoint?: unknown } | undefined;
    if (value?.format !== undefined || value?.checkpoint !== undefined) continue;
    verify.entry(line);
  }
  return verify.finish();
}

/** The server and token `verify` checks when no export file is given: `--url` (with `--token`), else the stored login. */
function liveTarget(options: VerifyOptions, env: NodeJS.ProcessEnv): { url: string; token: string | undefined } | undefined {
  const login = storedLogin(env);
  if (options.url === undefined) return login === null ? undefined : { url: login.url, token: options.token ?? login.accessToken };
  const url = options.url.replace(/\/+$/, '');
  // The stored token goes only to the server it was issued by, never to another --url.
  return { url, token: options.token ?? (login !== null && login.url === url ? login.accessToken : undefined) };
}

/** The coverage sentence: how many entries the newest signed checkpoint covers and how many it does not yet. */
export function coverageText(report: ExportReport): string {
  const covered = report.covered ?? 0;
  if (report.uncovered === null || report.uncovered === undefined) {
    return `the server's newest signed checkpoint covers ${covered} entries (entries after it are signed within RAMPART_AUDIT_CHECKPOINT_INTERVAL)`;
  }
  if (report.uncovered === 0) return `a signed checkpoint covers all ${covered}`;
  return `a signed checkpoint covers ${covered}, ${report.uncovered} ${report.uncovered === 1 ? 'is' : 'are'} not yet covered`;
}

export async function runAuditVerify(
  _config: RampartConfig,
  out: Output,
  options: VerifyOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (options.file !== undefined && options.url !== undefined) {
    out.note('rampart: give an export file or --url <server>, not both');
    return 2;
  }
  let report: ExportReport;
  if (options.file !== undefined) {
    report = await verifyExportFile(options.file, options);
  } else {
    let target: ReturnType<typeof liveTarget>;
    try {
      target = liveTarget(options, env);
    } catch (error) {
      if (!(error instanceof LoginStoreError)) throw error;
      out.note(`rampart: ${error.message}`);
      return 2;
    }
    if (target === undefined) {
      out.note('rampart: give an export file, or --url <server>, or log in first (rampart login, or RAMPART_TOKEN with RAMPART_URL)');
      return 2;
    }
    report = await verifyLiveLog({ ...options, url: target.url, ...(target.token === undefined ? {} : { token: target.token }) });
  }
  const failure = report.failure;
  const data = {
    ok: report.ok,
    entries: report.entries,
    checkpoints_verified: report.checkpointsVerified,
    covered: report.covered ?? 0,
    uncovered: report.uncovered ?? null,
    expired_payloads: report.expiredPayloads ?? 0,
    erased_payloads: report.erasedPayloads ?? 0,
    erased_personal: report.erasedPersonal ?? 0,
    ...(failure === undefined
      ? {}
      : { failure: { code: failure.code, detail: failure.detail, index: failure.index, range_end: failure.rangeEnd ?? null } }),
  };
  const dropped = [
    report.expiredPayloads ? `${report.expiredPayloads} expired payload(s)` : '',
    report.erasedPayloads ? `${report.erasedPayloads} erased payload(s)` : '',
    report.erasedPersonal ? `${report.erasedPersonal} with erased personal fields` : '',
  ].filter((t) => t !== '');
  const text =
    failure === undefined
      ? `verified ${report.entries} entries and ${report.checkpointsVerified} checkpoints; ${coverageText(report)}${dropped.length === 0 ? '' : ` (${dropped.join(', ')}, checked from their stored leaf hashes)`}`
      : `FAILED${failure.index === null ? '' : ` at index ${failure.index}`}: ${failure.detail} (${failure.code})`;
  out.result(data, text);
  return report.ok ? 0 : 1;
}
