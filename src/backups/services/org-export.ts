/**
 * An org's export (GDPR Art. 20, "data portability"): `GET /api/v1/orgs/{org}/export`, everything
 * the org holds, as sections that each capability contributes (`OrgDataSection`, kernel/part.ts:
 * tenancy's org, members, roles and invitations; the secrets' names and versions; the API keys
 * and service clients), so that a capability added later is exported without editing this file.
 * Metadata only: the sections select no secret value, key, hash or ciphertext.
 *
 * - Audited first: the `org.export` entry is durable before any row is read; when the log cannot
 *   record, nothing is given (503 `audit_unavailable`).
 * - Streamed and bounded in memory: each section is read a page at a time ({@link PAGE_ROWS}
 *   rows, one tenant transaction each) and written as it comes. The export is therefore not one
 *   snapshot: a row changed while it runs may appear as before or after the change.
 * - JSON: one document, `{format, version, exported_at, org_id, sections: {<key>: [rows…]}}`.
 *   CSV: one section is one `text/csv` table with a header row; all of them are one
 *   `multipart/mixed` body (RFC 2046), one part per section, each an attachment named
 *   `<section>.csv`. Cells follow RFC 4180 and are formula-safe (domain/csv.ts).
 */
import { randomKey } from '../../kernel/crypto/random.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { OrgDataRow, OrgDataSection } from '../../kernel/part.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { csvLine } from '../domain/csv.js';

/** The export's format name and version: a change of shape is a new version. */
export const ORG_EXPORT_FORMAT = 'rampart.org-export';
export const ORG_EXPORT_VERSION = 1;

/** Rows read per page (and per tenant transaction). */
export const PAGE_ROWS = 500;

export type OrgExportFormat = 'json' | 'csv';

export interface OrgExportOptions {
  /** Every capability's sections, read when an export is asked for. */
  readonly sections: () => readonly OrgDataSection[];
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Rows per page; tests lower it to cross page boundaries. */
  readonly pageRows?: number;
}

/** An export ready to stream: its media type, the attachment's file name and its text, in order. */
export interface OrgExportStream {
  readonly contentType: string;
  readonly filename: string;
  readonly body: AsyncIterable<string>;
}

/** Text handed to the socket at a time: rows are joined up to this many characters. */
const CHUNK_CHARS = 64 * 1024;

/** `source`'s pieces joined into chunks of about {@link CHUNK_CHARS}, so that a row is not a write. */
async function* chunked(source: AsyncIterable<string>): AsyncGenerator<string> {
  let pending = '';
  for await (const piece of source) {
    pending += piece;
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  if (pending !== '') yield pending;
}

/** A file-name-safe form of an org slug. */
function fileStem(slug: string): string {
  return slug.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

export class OrgExport {
  readonly #o: OrgExportOptions;

  constructor(options: OrgExportOptions) {
    this.#o = Object.freeze({ ...options });
  }

  /** The keys of the sections an export holds, in order. */
  sectionKeys(): readonly string[] {
    return this.#o.sections().map((section) => section.key);
  }

  /**
   * Records the export (`org.export`), then hands back the stream of the org's data in `format`:
   * every section, or only `only` (a key of {@link sectionKeys}; the route's schema checks it).
   */
  async open(scope: TenantScope, format: OrgExportFormat, only: string | undefined, context: RequestContext): Promise<OrgExportStream> {
    const sections = this.#o.sections().filter((section) => only === undefined || section.key === only);
    const principal = scope.principal;
    await this.#o.audit.record({
      org: scope.orgId,
      actor: principal === undefined ? { type: 'system', id: null } : { type: principal.type, id: principal.id },
      action: 'org.export',
      resource: `org:${scope.orgId}`,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: { format, sections: sections.map((section) => section.key) },
    });
    const stem = `rampart-org-export-${fileStem(scope.orgSlug)}`;
    const exportedAt = new Date(this.#o.clock.now()).toISOString();
    if (format === 'json') {
      return {
        contentType: 'application/json; charset=utf-8',
        filename: `${stem}.json`,
        body: chunked(this.#json(scope, sections, exportedAt)),
      };
    }
    const [single] = sections;
    if (only !== undefined && single !== undefined) {
      return {
        contentType: 'text/csv; charset=utf-8; header=present',
        filename: `${stem}-${single.key}.csv`,
        body: chunked(this.#csv(scope, single)),
      };
    }
    const boundary = `rampart-${randomKey(16).toString('hex')}`;
    return {
      contentType: `multipart/mixed; boundary=${boundary}`,
      filename: `${stem}.multipart`,
      body: chunked(this.#multipart(scope, sections, boundary)),
    };
  }

  /** Every row of `section` for the org, a page at a time. */
  async *#rows(scope: TenantScope, section: OrgDataSection): AsyncGenerator<OrgDataRow> {
    const limit = this.#o.pageRows ?? PAGE_ROWS;
    let after: string | undefined;
    do {
      const page = await section.page(scope, after, limit);
      yield* page.rows;
      after = page.next;
    } while (after !== undefined);
  }

  async *#json(scope: TenantScope, sections: readonly OrgDataSection[], exportedAt: string): AsyncGenerator<string> {
    const header = { format: ORG_EXPORT_FORMAT, version: ORG_EXPORT_VERSION, exported_at: exportedAt, org_id: scope.orgId };
    yield `${JSON.stringify(header).slice(0, -1)},"sections":{`;
    for (const [i, section] of sections.entries()) {
      yield `${i === 0 ? '' : ','}${JSON.stringify(section.key)}:[`;
      let first = true;
      for await (const row of this.#rows(scope, section)) {
        yield `${first ? '' : ','}${JSON.stringify(row)}`;
        first = false;
      }
      yield ']';
    }
    yield '}}\n';
  }

  async *#csv(scope: TenantScope, section: OrgDataSection): AsyncGenerator<string> {
    const columns = Object.keys(section.row.properties);
    yield csvLine(columns);
    for await (const row of this.#rows(scope, section)) yield csvLine(columns.map((column) => row[column] ?? null));
  }

  // RFC 2046 §5.1.1: the CRLF before each delimiter belongs to the delimiter, so every part's CSV
  // (which ends in CRLF itself) is followed by CRLF, then `--boundary`.
  async *#multipart(scope: TenantScope, sections: readonly OrgDataSection[], boundary: string): AsyncGenerator<string> {
    for (const [i, section] of sections.entries()) {
      yield `${i === 0 ? '' : '\r\n'}--${boundary}\r\n`;
      yield 'Content-Type: text/csv; charset=utf-8; header=present\r\n';
      yield `Content-Disposition: attachment; filename="${section.key}.csv"\r\n\r\n`;
      yield* this.#csv(scope, section);
    }
    yield `\r\n--${boundary}--\r\n`;
  }
}
