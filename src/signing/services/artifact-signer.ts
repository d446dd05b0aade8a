/**
 * Signing an artifact (issue 16 item 2): an in-toto Statement v1 in a DSSE envelope, signed by the
 * deployment's active artifact key (or, on request, HMAC-SHA256 under the org's shared key), and
 * logged in the audit tree with the bundle complete when the call returns.
 *
 * 1. The statement is built and signed in memory (RFC 8785 canonical JSON payload, so the same
 *    request signs the same bytes).
 * 2. The entry `artifact.sign` is recorded first (`auditedChange`): about
 *    `artifact:<sha-256 of the payload>`, its details binding the envelope (key id, payload and
 *    signature hashes). The log refusing means no envelope is returned.
 * 3. The entry is waited for in the tree, a checkpoint covering it is signed (or a later one
 *    taken), and its inclusion proof at that checkpoint's size is built: the bundle. A log that
 *    cannot integrate within {@link LOG_WAIT_MS} fails the call (`service_unavailable`), and the
 *    log then says `not_applied`.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { canonicalJson } from '../../kernel/crypto/canonical-json.js';
import { sha256 } from '../../kernel/crypto/digest.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import {
  ARTIFACT_RESOURCE_PREFIX,
  DEFAULT_PREDICATE_TYPE,
  digestHex,
  type LogProof,
  type SignedArtifact,
  type SignRequest,
} from '../domain/artifact.js';
import type { ArtifactLog } from '../ports/artifact-log.js';
import type { OrgHmacKeys } from '../ports/org-hmac-keys.js';
import { pae, type DsseEnvelope } from '../verifier/crypto/dsse.js';
import { hmacPae } from '../verifier/crypto/hmac-envelope.js';
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1 } from '../verifier/statement.js';
import { leafRecords, type SignedStatement } from '../verifier/verify-bundle.js';
import type { Keyring } from './keyring.js';

/** How long a signature waits for its entry to be integrated and covered (the v1.1 spec promises 1 s). */
export const LOG_WAIT_MS = 5_000;

export interface ArtifactSignerParts {
  readonly keyring: Pick<Keyring, 'sign'>;
  readonly hmacKeys: OrgHmacKeys;
  readonly audit: AuditLog;
  readonly log: ArtifactLog;
  /** Waits `ms` (a timer; tests may pass a faster one). */
  readonly sleep: (ms: number) => Promise<void>;
}

export class ArtifactSigner {
  readonly #p: ArtifactSignerParts;

  constructor(parts: ArtifactSignerParts) {
    this.#p = parts;
  }

  /** Signs, logs and proves one artifact statement for `scope`'s org. */
  async sign(scope: TenantScope, request: SignRequest, context: RequestContext | undefined): Promise<SignedArtifact> {
    const scheme = request.scheme ?? 'ed25519';
    const statement = {
      _type: IN_TOTO_STATEMENT_V1,
      subject: [{ name: request.name, digest: { sha256: digestHex(request.digest) } }],
      predicateType: request.predicateType ?? DEFAULT_PREDICATE_TYPE,
      predicate: request.predicate ?? {},
    };
    let text: string;
    try {
      text = canonicalJson(statement);
    } catch {
      throw new DomainError('validation_failed', 'predicate: must be plain JSON (finite numbers, no lone surrogates)', {
        extensions: { errors: [{ field: 'predicate', reason: 'must be plain JSON' }] },
      });
    }
    const payload = Buffer.from(text, 'utf8');
    const signed =
      scheme === 'ed25519'
        ? await this.#p.keyring.sign('artifacts', pae(IN_TOTO_PAYLOAD_TYPE, payload))
        : await this.#hmac(scope, context, payload);
    const envelope: DsseEnvelope = {
      payload: payload.toString('base64'),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ keyid: signed.keyId, sig: signed.signature.toString('base64') }],
    };
    const payloadHash = sha256(payload).toString('hex');
    const principal = scope.principal;
    const event: AuditEvent = {
      org: scope.orgId,
      actor: principal === undefined ? { type: 'system', id: null } : { type: principal.type, id: principal.id },
      action: 'artifact.sign',
      resource: `${ARTIFACT_RESOURCE_PREFIX}${payloadHash}`,
      result: 'success',
      sourceIp: context?.ip ?? null,
      requestId: context?.requestId ?? null,
      ...(context?.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: {
        name: request.name,
        digest: `sha256:${digestHex(request.digest)}`,
        predicate_type: statement.predicateType,
        scheme,
        key_id: signed.keyId,
        payload_sha256: payloadHash,
        sig_sha256: sha256(signed.signature).toString('hex'),
      },
    };
    const recorded = { keyId: signed.keyId, payload, signature: signed.signature };
    const log = await auditedChange(this.#p.audit, event, () => this.#prove(event.resource, scope.orgId, recorded));
    return { envelope, keyId: signed.keyId, scheme, log };
  }

  async #hmac(scope: TenantScope, context: RequestContext | undefined, payload: Buffer): Promise<{ keyId: string; signature: Buffer }> {
    const key = await this.#p.hmacKeys.key(scope, context);
    try {
      return { keyId: key.keyId, signature: hmacPae(key.key.reveal(), IN_TOTO_PAYLOAD_TYPE, payload) };
    } finally {
      key.key.reveal().fill(0);
    }
  }

  /** Waits for the entry in the tree, then for a checkpoint that covers it; its proof at that size. */
  async #prove(resource: string, orgId: string, signed: SignedStatement): Promise<LogProof> {
    // Waited time is counted, not read from the clock: an injected clock need not move.
    let waited = 0;
    let delay = 2;
    for (;;) {
      // The org's first entry that records this very signature (an identical earlier one proves it as well).
      const entry = (await this.#p.log.locate(resource, orgId)).find(
        (candidate) => leafRecords(candidate.leaf, candidate.index, signed) !== undefined,
      );
      if (entry !== undefined) {
        const checkpoint = await this.#p.log.checkpointCovering(entry.index);
        if (checkpoint !== undefined) {
          const proof = await this.#p.log.inclusionProof(entry.index, checkpoint.size);
          return {
            index: entry.index,
            leaf: entry.leaf,
            treeSize: checkpoint.size,
            rootHash: proof.rootHash,
            proof: proof.proof,
            checkpoint: checkpoint.note,
            loggedAt: entry.timestamp,
          };
        }
      } else {
        await this.#p.log.integrate();
      }
      if (waited >= LOG_WAIT_MS) {
        throw new DomainError('service_unavailable', 'The audit log did not integrate the signature in time; try again');
      }
      await this.#p.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, 100);
    }
  }
}
