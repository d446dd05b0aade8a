/**
 * An org's licences (`/api/v1/orgs/{org}/licences*`, `licences.manage`; issue 16 item 4). Rules:
 * 1. a licence's terms — product, features, activation limit, validity window — are checked
 *    before anything is signed, recorded or stored (400 `validation_failed`);
 * 2. its key is the Ed25519 signature, by the deployment's `licences` key (through the signing
 *    capability only), of the licence's canonical payload (domain/licence.ts), written in the
 *    text form of client/licence-key-text.ts; the key is returned once and only its SHA-256 is
 *    stored;
 * 3. revocation is one write that every instance's next status check reads (the store has no
 *    cache); revoking a revoked licence is 409 `conflict`;
 * 4. every issue and revocation is audited, entry first (`auditedChange`), and appends its
 *    `licence.*` event in the change's transaction; an id of another org is 404.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { canonicalJsonBytes } from '../../kernel/crypto/canonical-json.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import type { PrincipalActor } from '../../kernel/domain/request-context.js';
import { Secret } from '../../kernel/domain/secret.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { hasControlCharacter } from '../../kernel/http/names.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { formatLicenceKey } from '../client/licence-key-text.js';
import { hashLicenceKey, newLicenceId } from '../crypto/licence-key-hash.js';
import { licencePayload, normaliseFeatures, type Licence } from '../domain/licence.js';
import type { LicenceSigner } from '../ports/licence-signer.js';
import type { LicenceStore } from '../ports/licence-store.js';
import { licenceAuditEvent } from './licence-audit.js';

export interface LicenceServiceOptions {
  readonly store: LicenceStore;
  readonly signer: LicenceSigner;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** The terms of a new licence; times in ms since the epoch. */
export interface LicenceTerms {
  readonly product: string;
  readonly features: readonly string[];
  readonly maxActivations: number;
  /** Default: now. */
  readonly notBefore?: number | undefined;
  /** Default: no expiry. */
  readonly expiresAt?: number | null | undefined;
}

export interface IssuedLicence {
  readonly licence: Licence;
  /** The licence key, shown this once. */
  readonly key: Secret<string>;
}

export const FEATURE_PATTERN = '^[a-z0-9][a-z0-9._:-]{0,63}$';
const FEATURE = new RegExp(FEATURE_PATTERN);
export const MAX_ACTIVATIONS = 1_000_000;

function checkTerms(terms: LicenceTerms, notBefore: number, expiresAt: number | null): void {
  if (terms.product.length === 0 || terms.product.length > 100 || hasControlCharacter(terms.product)) {
    throw validationFailed([{ field: 'body.product', reason: 'must be 1 to 100 characters, none of them a control character' }]);
  }
  const bad = terms.features.find((feature) => !FEATURE.test(feature));
  if (bad !== undefined || terms.features.length > 64) {
    throw validationFailed([{ field: 'body.features', reason: `at most 64 names, each matching ${FEATURE_PATTERN}` }]);
  }
  if (!Number.isSafeInteger(terms.maxActivations) || terms.maxActivations < 1 || terms.maxActivations > MAX_ACTIVATIONS) {
    throw validationFailed([{ field: 'body.max_activations', reason: `must be a whole number from 1 to ${MAX_ACTIVATIONS}` }]);
  }
  if (!Number.isSafeInteger(notBefore) || notBefore < 0)
    throw validationFailed([{ field: 'body.not_before', reason: 'is not a valid time' }]);
  if (expiresAt !== null && (!Number.isSafeInteger(expiresAt) || expiresAt <= notBefore)) {
    throw validationFailed([{ field: 'body.expires_at', reason: 'must be a valid time after not_before' }]);
  }
}

export class LicenceService {
  readonly #o: LicenceServiceOptions;

  constructor(options: LicenceServiceOptions) {
    this.#o = options;
  }

  async issue(scope: TenantScope, terms: LicenceTerms, actor: PrincipalActor): Promise<IssuedLicence> {
    const now = this.#o.clock.now();
    const notBefore = terms.notBefore ?? now;
    const expiresAt = terms.expiresAt ?? null;
    checkTerms(terms, notBefore, expiresAt);
    const features = normaliseFeatures(terms.features);
    const id = newLicenceId();
    const createdBy = actor.principal.type === 'user' ? actor.principal.id : (actor.principal.owner ?? actor.principal.id);
    const base = { id, orgId: scope.orgId, product: terms.product, features, maxActivations: terms.maxActivations, notBefore, expiresAt };
    const event = licenceAuditEvent({
      action: 'licence.issue',
      orgId: scope.orgId,
      resource: id,
      context: actor,
      principal: actor.principal,
      details: {
        product: terms.product,
        features: [...features],
        max_activations: terms.maxActivations,
        not_before: notBefore,
        expires_at: expiresAt,
      },
    });
    return auditedChange(this.#o.audit, event, async () => {
      const { keyId, signature } = await this.#o.signer.sign('licences', canonicalJsonBytes(licencePayload(base)));
      // Taken after signing: a key made by this very signature is valid from its creation, and
      // activation verifies the key's signature at the licence's creation time.
      const createdAt = this.#o.clock.now();
      const text = formatLicenceKey(id, signature);
      const keyBytes = Buffer.concat([Buffer.from(id.slice(4), 'hex'), signature]);
      await this.#o.store.issue(scope, { ...base, keyHash: hashLicenceKey(keyBytes), keyId, createdBy, now: createdAt });
      const licence: Licence = Object.freeze({
        ...base,
        keyId,
        createdBy,
        createdAt,
        revokedAt: null,
        revokedBy: null,
        activationsInUse: 0,
      });
      return { licence, key: new Secret(text) };
    });
  }

  list(scope: TenantScope, after: string | undefined, limit: number): Promise<readonly Licence[]> {
    return this.#o.store.list(scope, after, limit);
  }

  async get(scope: TenantScope, id: string): Promise<Licence> {
    const licence = await this.#o.store.find(scope, id);
    if (licence === undefined) throw new DomainError('not_found', 'No such licence');
    return licence;
  }

  async revoke(scope: TenantScope, id: string, actor: PrincipalActor): Promise<Licence> {
    const licence = await this.get(scope, id);
    if (licence.revokedAt !== null) throw new DomainError('conflict', 'The licence is revoked already');
    const by = actor.principal.id;
    const event = licenceAuditEvent({
      action: 'licence.revoke',
      orgId: scope.orgId,
      resource: id,
      context: actor,
      principal: actor.principal,
    });
    await auditedChange(this.#o.audit, event, async () => {
      if (!(await this.#o.store.revoke(scope, id, by, this.#o.clock.now())))
        throw new DomainError('conflict', 'The licence is revoked already');
    });
    return this.get(scope, id);
  }
}
