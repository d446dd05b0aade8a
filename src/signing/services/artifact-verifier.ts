/**
 * Server-side verification (issue 16 item 3, `POST /api/v1/artifacts/verify`): the same checks as
 * the offline verifier (`verifier/verify-bundle.ts`), with this deployment's published keys and
 * log key as the pinned trust. An envelope without a bundle is looked up in the log instead: its
 * `artifact.sign` entry (by the payload's hash) must record this signature. Envelopes of the HMAC
 * scheme are refused here (`scheme`): they are not publicly verifiable.
 */
import { sha256 } from '../../kernel/crypto/digest.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import { ARTIFACT_RESOURCE_PREFIX } from '../domain/artifact.js';
import type { ArtifactLog } from '../ports/artifact-log.js';
import type { DsseEnvelope, PublicJwk } from '../verifier/crypto/dsse.js';
import { checkSignedStatement, leafRecords, verifyBundle, type BundleCheck, type PinnedKeys } from '../verifier/verify-bundle.js';
import type { Keyring } from './keyring.js';

/** The check that refused, or `scheme` for an envelope of the HMAC scheme. */
export type VerifyReason = BundleCheck | 'scheme';

export type VerifyResult =
  | { readonly valid: true; readonly signer: string; readonly keyId: string; readonly loggedAt: string; readonly index: number }
  | { readonly valid: false; readonly reason: VerifyReason; readonly detail: string };

export interface VerifyRequest {
  readonly envelope?: DsseEnvelope;
  readonly bundle?: unknown;
  readonly digest: string;
}

export class ArtifactVerifier {
  readonly #keyring: Pick<Keyring, 'jwks'>;
  readonly #log: ArtifactLog;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  constructor(parts: { keyring: Pick<Keyring, 'jwks'>; log: ArtifactLog; audit: AuditLog; clock: Clock }) {
    this.#keyring = parts.keyring;
    this.#log = parts.log;
    this.#audit = parts.audit;
    this.#clock = parts.clock;
  }

  /**
   * Verifies, then records the answer (`artifact.verify` in the `system` org: who asked is
   * anonymous; a refusal names the failed check as its reason). Nothing is stored but the entry;
   * a log that cannot record it fails the request (`audit_unavailable`).
   */
  async verifyAudited(request: VerifyRequest, context: RequestContext | undefined): Promise<VerifyResult> {
    const result = await this.verify(request);
    await this.#audit.record({
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'system', id: null },
      action: 'artifact.verify',
      resource: `artifact-digest:${request.digest.toLowerCase()}`,
      result: result.valid ? 'success' : 'failure',
      ...(result.valid ? {} : { reason: result.reason }),
      sourceIp: context?.ip ?? null,
      requestId: context?.requestId ?? null,
      ...(context?.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: result.valid
        ? { key_id: result.keyId, index: result.index, signer: result.signer }
        : { via: request.bundle === undefined ? 'envelope' : 'bundle' },
    });
    return result;
  }

  /** The pinned trust of this deployment: its artifact and licence keys and its log's verifier key. */
  async trust(): Promise<PinnedKeys> {
    const { keys } = await this.#keyring.jwks();
    return { keys: keys as readonly PublicJwk[], transparency_log: this.#log.verifier() };
  }

  async verify(request: VerifyRequest): Promise<VerifyResult> {
    const trust = await this.trust();
    const now = this.#clock.now();
    if (request.bundle !== undefined) {
      const verdict = verifyBundle(request.bundle, { digest: request.digest, keys: trust, now });
      if (!verdict.valid) return { valid: false, reason: verdict.check, detail: verdict.reason };
      return { valid: true, signer: verdict.signer, keyId: verdict.keyId, loggedAt: verdict.loggedAt, index: verdict.index };
    }
    const envelope = request.envelope;
    if (envelope === undefined) return { valid: false, reason: 'format', detail: 'neither an envelope nor a bundle was given' };
    if (envelope.signatures.length > 0 && envelope.signatures.every((entry) => entry.keyid?.startsWith('hmac:') === true)) {
      return { valid: false, reason: 'scheme', detail: 'an HMAC-SHA256 envelope is not publicly verifiable; verify it with the org key' };
    }
    const checked = checkSignedStatement(envelope, { digest: request.digest, keys: trust, now });
    if (!checked.ok) {
      const verdict = checked.verdict;
      return verdict.valid
        ? { valid: false, reason: 'format', detail: 'unexpected' }
        : { valid: false, reason: verdict.check, detail: verdict.reason };
    }
    const entries = await this.#log.locate(`${ARTIFACT_RESOURCE_PREFIX}${sha256(checked.signed.payload).toString('hex')}`);
    // The same statement may have been signed again (by a newer key, or another org): the entry of this signature.
    const entry = entries.find((candidate) => leafRecords(candidate.leaf, candidate.index, checked.signed) !== undefined);
    if (entry === undefined) {
      return { valid: false, reason: 'log_entry', detail: 'this signature is not recorded in the audit log' };
    }
    return {
      valid: true,
      signer: entry.org,
      keyId: checked.signed.keyId,
      loggedAt: new Date(entry.timestamp).toISOString(),
      index: entry.index,
    };
  }
}
