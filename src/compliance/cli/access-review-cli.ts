/**
 * The work of `rampart access-review` and `rampart access-review attest`: the operator, on the
 * server's host, reads or attests one org's access review through the composed capability (a
 * system scope on that org; the attestation audited with actor `system`). Exit codes: 0 done;
 * 2 bad usage (no `--org`, an unknown org, a bad `--reviewed-at` or note).
 */
import type { RampartConfig } from '../../kernel/config.js';
import type { Output } from '../../kernel/cli/output.js';
import type { CommandContext } from '../../kernel/part.js';
import { systemScope } from '../../secrets/index.js';
import { accessReportCsv, accessReportJson, attestationJson } from '../services/access-review.js';

function reportText(report: ReturnType<typeof accessReportJson>): string {
  const lines = [
    `access review of ${report.org_id} at ${report.generated_at}`,
    `last attested: ${report.last_attestation === null ? 'never' : report.last_attestation.reviewed_at}`,
    `members (${report.members.length}):`,
    ...report.members.map((m) => `  ${m.email}  ${m.role}  mfa=${m.mfa ? 'yes' : 'no'}  last active ${m.last_active_at ?? 'never'}`),
    `api keys (${report.api_keys.length}):`,
    ...report.api_keys.map(
      (k) =>
        `  ${k.id}  ${k.name}  owner ${k.owner_email ?? k.owner_id}  expires ${k.expires_at ?? 'never'}  last used ${k.last_used_at ?? 'never'}`,
    ),
    `service clients (${report.service_clients.length}):`,
    ...report.service_clients.map((c) => `  ${c.id}  ${c.name}  ${c.scopes.join(' ')}`),
  ];
  return lines.join('\n');
}

export async function runAccessReview(
  config: RampartConfig,
  out: Output,
  context: CommandContext,
  options: { org: string | undefined; csv: boolean },
): Promise<number> {
  if (options.org === undefined) {
    out.note('rampart: give --org <org>');
    return 2;
  }
  const compliance = await context.compose(config, 'compliance', { besideServer: true });
  try {
    const review = compliance.facade.accessReview;
    const orgId = await review.findOrg(options.org);
    if (orgId === undefined) {
      out.note(`rampart: no org ${options.org}`);
      return 2;
    }
    const report = await review.report(systemScope(orgId));
    if (options.csv && !out.json) {
      out.result(null, accessReportCsv(report).trimEnd());
      return 0;
    }
    const json = accessReportJson(report);
    out.result(json, reportText(json));
    return 0;
  } finally {
    await compliance.close();
  }
}

export async function runAccessReviewAttest(
  config: RampartConfig,
  out: Output,
  context: CommandContext,
  options: { org: string; note: string; reviewedAt?: string },
): Promise<number> {
  const note = options.note.trim();
  if (note.length === 0 || note.length > 2000) {
    out.note('rampart: --note must be 1 to 2000 characters');
    return 2;
  }
  const reviewedAt = options.reviewedAt === undefined ? undefined : Date.parse(options.reviewedAt);
  if (reviewedAt !== undefined && Number.isNaN(reviewedAt)) {
    out.note('rampart: --reviewed-at must be an ISO 8601 time');
    return 2;
  }
  const compliance = await context.compose(config, 'compliance', { besideServer: true });
  try {
    const review = compliance.facade.accessReview;
    const orgId = await review.findOrg(options.org);
    if (orgId === undefined) {
      out.note(`rampart: no org ${options.org}`);
      return 2;
    }
    const attestation = await review.attest(
      systemScope(orgId),
      { note, ...(reviewedAt === undefined ? {} : { reviewedAt }) },
      { principal: undefined, context: undefined },
    );
    const json = attestationJson(attestation);
    out.result(json, `attested ${json.id}: access of ${orgId} reviewed at ${json.reviewed_at}`);
    return 0;
  } finally {
    await compliance.close();
  }
}
