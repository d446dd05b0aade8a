/**
 * The org export's writing (issue 19, item 5): CSV cells as RFC 4180 wants them and safe to open
 * in a spreadsheet (OWASP "CSV Injection"), and the stream stitched from pages — every row once,
 * in order, across page boundaries, in valid JSON and CSV.
 */
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../src/backups/domain/csv.js';
import { OrgExport } from '../../../src/backups/services/org-export.js';
import { MemoryAuditLog } from '../../../src/kernel/adapters/memory/memory-audit-log.js';
import { mintTenantScope } from '../../../src/kernel/domain/tenant-scope.js';
import type { OrgDataSection } from '../../../src/kernel/part.js';
import { FakeClock } from '../../helpers/fake-clock.js';

describe('backups 5: CSV cells', () => {
  it('backups 5: quotes fields with commas, quotes, CR or LF and doubles quotes (RFC 4180 §2.6-2.7)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(['jobs.read', 'jobs.run'])).toBe('jobs.read jobs.run');
    expect(csvLine(['a', 'b,c', null])).toBe('a,"b,c",\r\n');
  });

  it('backups 5: a cell starting with = + - @ tab or CR is prefixed with a quote, so no spreadsheet runs it', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd|calc')).toBe("'-cmd|calc");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('=HYPERLINK("x","y")')).toBe('"\'=HYPERLINK(""x"",""y"")"');
    expect(csvCell('a=b')).toBe('a=b');
  });
});

/** A section of `count` rows served `limit` at a time, counting its pages. */
function numbers(key: string, count: number): OrgDataSection & { pages: number } {
  const section = {
    key,
    description: 'numbers',
    row: Type.Object({ n: Type.Integer(), label: Type.String() }),
    pages: 0,
    page(_scope: unknown, after: string | undefined, limit: number) {
      section.pages += 1;
      const start = after === undefined ? 0 : Number(after);
      const rows = Array.from({ length: Math.max(0, Math.min(limit, count - start)) }, (_, i) => ({
        n: start + i,
        label: `=${start + i}`,
      }));
      return Promise.resolve({ rows, next: start + limit < count ? String(start + limit) : undefined });
    },
  };
  return section;
}

async function text(body: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const piece of body) all += piece;
  return all;
}

describe('backups 5: the export stream', () => {
  const scope = mintTenantScope({ id: 'org_1', slug: 'acme' }, undefined);
  const context = { ip: '127.0.0.1', userAgent: undefined, requestId: 'req_1' };

  it('backups 5: JSON holds every row of every section once, in order, across pages', async () => {
    const a = numbers('a', 7);
    const b = numbers('b', 0);
    const orgExport = new OrgExport({ sections: () => [a, b], audit: new MemoryAuditLog(), clock: new FakeClock(), pageRows: 3 });
    const stream = await orgExport.open(scope, 'json', undefined, context);
    const document = JSON.parse(await text(stream.body)) as { sections: Record<string, { n: number }[]> };
    expect(document.sections.a?.map((row) => row.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(document.sections.b).toEqual([]);
    expect(a.pages).toBe(3);
  });

  it('backups 5: CSV of one section is its header and rows; the multipart body closes with its final boundary', async () => {
    const orgExport = new OrgExport({
      sections: () => [numbers('a', 4), numbers('b', 1)],
      audit: new MemoryAuditLog(),
      clock: new FakeClock(),
      pageRows: 2,
    });
    const one = await orgExport.open(scope, 'csv', 'a', context);
    expect(one.contentType).toBe('text/csv; charset=utf-8; header=present');
    expect(await text(one.body)).toBe("n,label\r\n0,'=0\r\n1,'=1\r\n2,'=2\r\n3,'=3\r\n");
    const all = await orgExport.open(scope, 'csv', undefined, context);
    const boundary = /boundary=(\S+)$/.exec(all.contentType)?.[1] ?? '';
    const body = await text(all.body);
    expect(body.startsWith(`--${boundary}\r\n`)).toBe(true);
    expect(body.endsWith(`\r\nn,label\r\n0,'=0\r\n\r\n--${boundary}--\r\n`)).toBe(true);
    expect(body.split(`--${boundary}`)).toHaveLength(4);
  });
});
