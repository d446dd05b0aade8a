/**
 * `GET /api/v1/orgs/{org}/export` (GDPR Art. 20): an org admin's export of the org's data, as
 * JSON or CSV, streamed as an attachment (backups/services/org-export.ts says what it holds and
 * how it is laid out). Permission `org.export` (owners and admins); a non-member gets 404, a
 * member without it 403. Audited (`org.export`) before anything is read.
 */
import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OrgParam, scopeOf } from '../../kernel/http/org-params.js';
import { requestContext } from '../../kernel/http/request-context.js';
import { ORG_EXPORT_FORMAT, ORG_EXPORT_VERSION, PAGE_ROWS, type OrgExport } from '../services/org-export.js';
import type { OrgDataSection } from '../../kernel/part.js';

/** An export reads every row of the org: a caller gets at most this many a minute (429 `rate_limited` beyond). */
const EXPORT_RATE_LIMIT = { max: 10, windowMs: 60_000 };

const Params = Type.Object({ org: OrgParam }, { additionalProperties: false });

function querySchema(keys: readonly string[]) {
  return Type.Object(
    {
      format: Type.Optional(
        Type.Union([Type.Literal('json'), Type.Literal('csv')], {
          default: 'json',
          description: '`json` (default): one document. `csv`: one table per section (see `section`).',
        }),
      ),
      section: Type.Optional(
        Type.Union(
          keys.map((key) => Type.Literal(key)),
          { description: 'Only this section. With `format=csv` the answer is then one `text/csv` table instead of `multipart/mixed`.' },
        ),
      ),
    },
    { additionalProperties: false },
  );
}

function describe(sections: readonly OrgDataSection[]): string {
  const list = sections.map((section) => `\`${section.key}\` (${section.description})`).join('; ');
  return (
    `Streams the org's data as an attachment (\`Content-Disposition\`), read ${PAGE_ROWS} rows at a time — not one snapshot: a row ` +
    `changed during the export may appear as before or after. JSON: \`{"format":"${ORG_EXPORT_FORMAT}","version":${ORG_EXPORT_VERSION},` +
    '"exported_at","org_id","sections":{<section>:[rows…]}}`. CSV: each section is a table with a header row (RFC 4180, CRLF, ' +
    "quoted when needed; arrays are space-separated; a cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so that " +
    'no spreadsheet runs it as a formula); all sections together are one `multipart/mixed` body, one `text/csv` part per section named ' +
    `\`<section>.csv\`, in this order. Sections: ${list}. Metadata only: never a secret value, a key, a client secret, a hash of one ` +
    'or a ciphertext. Permission `org.export` (owner and admin); audited as `org.export` before anything is read (503 ' +
    '`audit_unavailable` when the log cannot record). At most 10 a minute per caller (429 `rate_limited`).'
  );
}

export async function orgExportRoutes(app: FastifyInstance, orgExport: OrgExport, sections: readonly OrgDataSection[]): Promise<void> {
  const Query = querySchema(sections.map((section) => section.key));
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/api/v1/orgs/:org/export',
    {
      config: { access: { permission: 'org.export', scope: 'org' }, rateLimit: EXPORT_RATE_LIMIT },
      schema: {
        summary: "Export the org's data (GDPR Art. 20) as JSON or CSV, streamed",
        description: describe(sections),
        tags: ['orgs'],
        params: Params,
        querystring: Query,
        response: {
          200: Type.String({
            description: '`application/json`, `text/csv; header=present` (one section) or `multipart/mixed` (every section as CSV)',
          }),
        },
      },
    },
    async (request, reply) => {
      const { format = 'json', section } = request.query;
      const stream = await orgExport.open(scopeOf(request), format, section, requestContext(request));
      reply.header('content-disposition', `attachment; filename="${stream.filename}"`);
      reply.header('cache-control', 'no-store');
      reply.header('x-content-type-options', 'nosniff');
      return reply.type(stream.contentType).send(Readable.from(stream.body, { objectMode: false }));
    },
  );
}
