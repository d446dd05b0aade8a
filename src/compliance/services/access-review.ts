/**
 * The access review (issue 22 item 6, "access reviews"): the report of who holds access to one
 * org — every member with their role, second factor and latest activity, every live API key and
 * service client with its last use — as JSON or CSV; and its completion, recorded as an
 * attestation that is an audited change (the entry first, then the row, kept) and listed.
 */
import { stringify } from 'csv-stringify/sync';
import { auditedChange } from '../../kernel/audited-change.js';
import { randomKey } from '../../kernel/crypto/random.js';
import { validationFailed } from '../../kernel/domain/errors.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { AccessFacts, AccessReviewStore, Attestation, ReviewScope } from '../ports/access-review-store.js';

/** The report's document format and version. */
export const ACCESS_REVIEW_FORMAT = 'rampart-access-review';
export const ACCESS_REVIEW_VERSION = 1;

/** How far in the future a `reviewed_at` may lie (clock skew between the reviewer and the server). */
const FUTURE_SKEW_MS = 5 * 60_000;

export interface AccessReport {
  readonly orgId: string;
  readonly generatedAt: number;
  readonly facts: AccessFacts;
  /** The newest attestation, if any: when the access was last reviewed. */
  readonly lastAttestation: Attestation | undefined;
}

/** Who attests: a request's principal with its context, or the operator on the CLI. */
export interface Attester {
  readonly principal: Pick<Principal, 'type' | 'id'> | undefined;
  readonly context: RequestContext | undefined;
}

export interface AccessReviewOptions {
  readonly store: AccessReviewStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A CSV cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`. */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The attestation id: `att_` and 128 random bits. */
function attestationId(): string {
  return `att_${randomKey(16).toString('hex')}`;
}

export class AccessReview {
  readonly #o: AccessReviewOptions;

  constructor(options: AccessReviewOptions) {
    this.#o = Object.freeze({ ...options });
  }

  /** The org's id for an id or slug (the CLI's `--org`), or undefined. */
  findOrg(idOrSlug: string): Promise<string | undefined> {
    return this.#o.store.findOrg(idOrSlug);
  }

  async report(scope: ReviewScope): Promise<AccessReport> {
    const generatedAt = this.#o.clock.now();
    const [facts, latest] = await Promise.all([this.#o.store.facts(scope, generatedAt), this.#o.store.attestations(scope, undefined, 1)]);
    return { orgId: scope.orgId, generatedAt, facts, lastAttestation: latest[0] };
  }

  /** Records that the org's access was reviewed (at `reviewedAt`, default now): audited, then stored. */
  async attest(scope: ReviewScope, input: { readonly reviewedAt?: number; readonly note: string }, by: Attester): Promise<Attestation> {
    const now = this.#o.clock.now();
    const reviewedAt = input.reviewedAt ?? now;
    if (reviewedAt > now + FUTURE_SKEW_MS) throw validationFailed([{ field: 'reviewed_at', reason: 'lies in the future' }]);
    const attestation: Attestation = {
      id: attestationId(),
      orgId: scope.orgId,
      reviewedAt,
      note: input.note,
      actorType: by.principal?.type ?? 'system',
      actorId: by.principal?.id ?? 'operator',
      createdAt: now,
    };
    const context = by.context;
    await auditedChange(
      this.#o.audit,
      {
        org: scope.orgId,
        actor: by.principal === undefined ? { type: 'system', id: null } : { type: by.principal.type, id: by.principal.id },
        action: 'access_review.attest',
        resource: attestation.id,
        result: 'success',
        sourceIp: context?.ip ?? null,
        requestId: context?.requestId ?? null,
        ...(context?.userAgent === undefined ? {} : { userAgent: context.userAgent }),
        details: { reviewed_at: new Date(reviewedAt).toISOString(), note_length: input.note.length },
      },
      () => this.#o.store.attest(scope, attestation),
    );
    return attestation;
  }

  attestations(
    scope: ReviewScope,
    after: { readonly createdAt: number; readonly id: string } | undefined,
    limit: number,
  ): Promise<Attestation[]> {
    return this.#o.store.attestations(scope, after, limit);
  }
}

/** The report as the JSON document the route and `rampart access-review --json` answer. */
export function accessReportJson(report: AccessReport) {
  const { facts } = report;
  return {
    format: ACCESS_REVIEW_FORMAT,
    version: ACCESS_REVIEW_VERSION,
    org_id: report.orgId,
    generated_at: new Date(report.generatedAt).toISOString(),
    last_attestation: report.lastAttestation === undefined ? null : attestationJson(report.lastAttestation),
    members: facts.members.map((member) => ({
      user_id: member.userId,
      email: member.email,
      name: member.name,
      role: member.role,
      status: member.status,
      member_since: new Date(member.memberSince).toISOString(),
      mfa: member.mfa,
      last_active_at: iso(member.lastActiveAt),
    })),
    api_keys: facts.apiKeys.map((key) => ({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      owner_id: key.ownerId,
      owner_email: key.ownerEmail,
      scopes: [...key.scopes],
      created_at: new Date(key.createdAt).toISOString(),
      expires_at: iso(key.expiresAt),
      last_used_at: iso(key.lastUsedAt),
    })),
    service_clients: facts.serviceClients.map((client) => ({
      id: client.id,
      name: client.name,
      auth_method: client.authMethod,
      scopes: [...client.scopes],
      created_by: client.createdBy,
      created_at: new Date(client.createdAt).toISOString(),
      last_used_at: null,
    })),
  };
}

/** An attestation as the API answers it. */
export function attestationJson(attestation: Attestation) {
  return {
    id: attestation.id,
    org_id: attestation.orgId,
    reviewed_at: new Date(attestation.reviewedAt).toISOString(),
    note: attestation.note,
    attested_by: { type: attestation.actorType, id: attestation.actorId },
    created_at: new Date(attestation.createdAt).toISOString(),
  };
}

/** The CSV header: one row per holder of access, whatever its kind. */
export const ACCESS_REVIEW_CSV_COLUMNS = [
  'kind',
  'id',
  'name',
  'email',
  'role',
  'scopes',
  'mfa',
  'created_at',
  'expires_at',
  'last_used_at',
] as const;

/** The report as one CSV table (RFC 4180, CRLF, a header row): members, then API keys, then service clients. */
export function accessReportCsv(report: AccessReport): string {
  const json = accessReportJson(report);
  const rows: (string | null)[][] = [
    ...json.members.map((m) => ['member', m.user_id, m.name, m.email, m.role, '', String(m.mfa), m.member_since, null, m.last_active_at]),
    ...json.api_keys.map((k) => [
      'api_key',
      k.id,
      k.name,
      k.owner_email,
      '',
      k.scopes.join(' '),
      '',
      k.created_at,
      k.expires_at,
      k.last_used_at,
    ]),
    ...json.service_clients.map((c) => ['service_client', c.id, c.name, '', '', c.scopes.join(' '), '', c.created_at, null, null]),
  ];
  return stringify(
    rows.map((row) => row.map((value) => safeCell(value ?? ''))),
    { header: true, columns: [...ACCESS_REVIEW_CSV_COLUMNS], record_delimiter: 'windows' },
  );
}
