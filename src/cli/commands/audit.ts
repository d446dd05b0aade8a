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
import { SqlAuditLedger } from '../../adapters/sql/sql-audit-ledger.js';
import { openDatabase } from '../../adapters/sql/sql-database.js';
import { auditOrigin } from '../../compose-audit.js';
import type { RampartConfig } from '../../config.js';
import { auditLeafObject } from '../../crypto/audit-leaf.js';
import { parseVkey, type NoteVerifier } from '../../crypto/signed-note.js';
import { systemClock } from '../../ports/clock.js';
import { AuditExportVerifier, type ExportReport } from '../../services/audit-export-verifier.js';
import type { Output } from '../output.js';
import { verifyLiveLog } from './audit-live.js';

const PAGE = 1000;
export const EXPORT_FORMAT = 'rampart-audit-export/1';

export async function runAuditExport(config: RampartConfig, out: Output, options: { out?: string }): Promise<number> {
  const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    const ledger = await SqlAuditLedger.open(database, { origin: auditOrigin(config), clock: systemClock });
    const treeSize = await ledger.treeSize();
    const sink = options.out === undefined ? process.stdout : createWriteStream(options.out, { mode: 0o600 });
    const write = async (value: unknown): Promise<void> => {
      if (!sink.write(`${JSON.stringify(value)}\n`)) await once(sink, 'drain');
    };
    await write({ format: EXPORT_FORMAT, origin: ledger.origin, verifier_key: ledger.verifierKey(), tree_size: treeSize });
    let entries = 0;
    for (let from = 0; ;) {
      const page = await ledger.entries(from, PAGE);
      for (const stored of page)
        await write({ entry: { ...auditLeafObject(stored.entry), leaf_hash: stored.leafHash }, leaf: stored.leaf });
      entries += page.length;
      out.progress(entries, treeSize, 'entries exported');
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE) break;
      from = last.entry.index + 1;
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

export async function runAuditVerify(_config: RampartConfig, out: Output, options: VerifyOptions): Promise<number> {
  if ((options.file === undefined) === (options.url === undefined)) {
    out.note('rampart: give an export file or --url <server>, not both');
    return 2;
  }
  const report = options.file !== undefined ? await verifyExportFile(options.file, options) : await verifyLiveLog(options);
  const failure = report.failure;
  const data = {
    ok: report.ok,
    entries: report.entries,
    checkpoints_verified: report.checkpointsVerified,
    ...(failure === undefined
      ? {}
      : { failure: { code: failure.code, detail: failure.detail, index: failure.index, range_end: failure.rangeEnd ?? null } }),
  };
  const text =
    failure === undefined
      ? `verified: ${report.entries} entries, ${report.checkpointsVerified} checkpoints`
      : `FAILED${failure.index === null ? '' : ` at index ${failure.index}`}: ${failure.detail} (${failure.code})`;
  out.result(data, text);
  return report.ok ? 0 : 1;
}
