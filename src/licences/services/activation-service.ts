/**
 * The installation's side (`/api/v1/licences/activate`, `/{id}/status`, `/{id}/deactivate`; issue
 * 16 item 4). Rules, in the order they are applied:
 * 1. activate: the key's text and check group are read first (400 `validation_failed`, before
 *    any lookup); the licence's own limit is counted apart from the route's per-address limit
 *    (429); the key must be the stored one (its hash, compared in constant time) and its signature
 *    must verify with the `licences` key that made it (else 401 `invalid_credentials`); a revoked,
 *    expired or not yet valid licence is 403 `forbidden`; binding is atomic in the store — up to
 *    the limit (409 `conflict`), the same installation again answering its live activation;
 * 2. status and deactivate take the activation token as `Bearer`: its signature by a published
 *    `licences` key, its issuer, its licence (the path's: a token of another licence is refused),
 *    its grace period (401 `token_expired` once past) and its activation, read fresh from the
 *    database on every call — a revocation or a deactivation on any instance is seen by the next
 *    call on every instance, without a cache to go stale;
 * 3. a status check of a revoked, expired or not yet valid licence answers `valid: false` and no
 *    token; a usable one answers a fresh token;
 * 4. a deactivation ends the token's activation (a seat freed) once; replayed, the token's
 *    activation is no longer live and it is refused (401 `token_invalid`);
 * 5. every activation, deactivation and refusal is audited (the change's entry first); an entry
 *    never holds the key, its hash or a token.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { canonicalJsonBytes } from '../../kernel/crypto/canonical-json.js';
import { DomainError, validationFailed, type ErrorCode } from '../../kernel/domain/errors.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { RateLimiter } from '../../kernel/ports/rate-limiter.js';
import type { ActivationClaims } from '../client/activation-token-format.js';
import { parseLicenceKey } from '../client/licence-key-text.js';
import { licenceKeyMatches, newActivationId } from '../crypto/licence-key-hash.js';
import { licencePayload, standingAt, type Activation, type LicenceStanding } from '../domain/licence.js';
import type { ActivationCheck, LicenceStore } from '../ports/licence-store.js';
import type { LicenceSigner } from '../ports/licence-signer.js';
import type { ActivationTokens } from './activation-tokens.js';
import { licenceAuditEvent } from './licence-audit.js';

export interface ActivationServiceOptions {
  readonly store: LicenceStore;
  readonly signer: LicenceSigner;
  readonly tokens: ActivationTokens;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  /** Activations per minute for one licence. */
  readonly perLicencePerMinute: number;
}

/** What an installation is told after an activation or a check. */
export interface LicenceAnswer {
  readonly valid: boolean;
  readonly revoked: boolean;
  readonly licenceId: string;
  /** ms: the licence's expiry, or null. */
  readonly expiresAt: number | null;
  /** The fresh token and its claims (a usable licence only). */
  readonly token?: string;
  readonly claims?: ActivationClaims;
  readonly activationId?: string;
}

const MINUTE = 60_000;
/** `last_seen` is written at most this often per activation, so checks stay reads. */
const SEEN_EVERY = 60_000;

const STANDING_DETAIL: Readonly<Record<Exclude<LicenceStanding, 'usable'>, string>> = {
  revoked: 'The licence has been revoked',
  expired: 'The licence has expired',
  not_yet_valid: 'The licence is not valid yet',
};

export class ActivationService {
  readonly #o: ActivationServiceOptions;

  constructor(options: ActivationServiceOptions) {
    this.#o = options;
  }

  async activate(licenceKey: string, installationId: string, context: RequestContext): Promise<LicenceAnswer> {
    const details = { installation_id: installationId };
    const reading = parseLicenceKey(licenceKey);
    if (!reading.ok) {
      await this.#refuse('licence.activate', undefined, undefined, context, `${reading.reason}_key`, details);
      throw validationFailed([
        { field: 'body.licence_key', reason: reading.reason === 'checksum' ? 'fails its check group (a typo?)' : 'is not a licence key' },
      ]);
    }
    const { licenceId, signature, bytes } = reading.key;
    const budget = await this.#o.limiter.hit(`licence-activate:${licenceId}`, this.#o.perLicencePerMinute, MINUTE);
    if (!budget.allowed)
      throw new DomainError('rate_limited', 'Too many activations of this licence; retry later', {
        extensions: { retry_after: Math.ceil(budget.resetMs / 1000) },
      });
    const licence = await this.#o.store.findForKey(licenceId);
    const now = this.#o.clock.now();
    if (licence === undefined || !licenceKeyMatches(bytes, licence.keyHash)) {
      await this.#refuse('licence.activate', licence?.orgId, licence?.id, context, 'unknown_key', details);
      throw new DomainError('invalid_credentials', 'The licence key is not valid');
    }
    const payload = canonicalJsonBytes(licencePayload(licence));
    if (!(await this.#o.signer.verify('licences', licence.keyId, payload, signature, licence.createdAt))) {
      await this.#refuse('licence.activate', licence.orgId, licence.id, context, 'bad_signature', details);
      throw new DomainError('invalid_credentials', 'The licence key is not valid');
    }
    const standing = standingAt(licence, now);
    if (standing !== 'usable') {
      await this.#refuse('licence.activate', licence.orgId, licence.id, context, standing, details);
      throw new DomainError('forbidden', STANDING_DETAIL[standing], { extensions: { reason: standing } });
    }
    const event = licenceAuditEvent({ action: 'licence.activate', orgId: licence.orgId, resource: licence.id, context, details });
    const activation = await auditedChange(this.#o.audit, event, async () => {
      const result = await this.#o.store.activate(licence.id, installationId, newActivationId(), now);
      if ('activation' in result) return result.activation;
      if (result.outcome === 'limit') throw new DomainError('conflict', 'Every activation of the licence is in use; deactivate one first');
      if (result.outcome === 'revoked') throw new DomainError('forbidden', STANDING_DETAIL.revoked, { extensions: { reason: 'revoked' } });
      throw new DomainError('invalid_credentials', 'The licence key is not valid');
    });
    return this.#usable(licence, activation);
  }

  async status(pathLicenceId: string, token: string, context: RequestContext): Promise<LicenceAnswer> {
    const { claims, check, activation } = await this.#live('licence.check', pathLicenceId, token, context);
    const now = this.#o.clock.now();
    const standing = standingAt(check.licence, now);
    if (standing !== 'usable') {
      await this.#refuse('licence.check', check.licence.orgId, check.licence.id, context, standing, { installation_id: claims.ins });
      return { valid: false, revoked: standing === 'revoked', licenceId: check.licence.id, expiresAt: check.licence.expiresAt };
    }
    if (now - activation.lastSeen >= SEEN_EVERY) await this.#o.store.touch(activation.id, now);
    return this.#usable(check.licence, activation);
  }

  async deactivate(pathLicenceId: string, token: string, context: RequestContext): Promise<void> {
    const { claims, check, activation } = await this.#live('licence.deactivate', pathLicenceId, token, context);
    const details = { installation_id: claims.ins, activation_id: activation.id };
    const event = licenceAuditEvent({
      action: 'licence.deactivate',
      orgId: check.licence.orgId,
      resource: check.licence.id,
      context,
      details,
    });
    await auditedChange(this.#o.audit, event, async () => {
      const ended = await this.#o.store.deactivate(check.licence.id, activation.id, this.#o.clock.now());
      if (ended === undefined) throw new DomainError('token_invalid', 'The activation has ended');
    });
  }

  /** The token's claims, licence and live activation — or a refusal, audited under `action`. */
  async #live(
    action: AuditAction,
    pathLicenceId: string,
    token: string,
    context: RequestContext,
  ): Promise<{ claims: ActivationClaims; check: ActivationCheck; activation: Activation }> {
    const claims = await this.#o.tokens.verify(token);
    if (claims === undefined) return this.#refuseToken(action, pathLicenceId, context, 'token_invalid', 'bad_token');
    if (claims.lic !== pathLicenceId) return this.#refuseToken(action, pathLicenceId, context, 'token_invalid', 'other_licence');
    if (this.#o.clock.now() >= claims.grace_until * 1000) {
      return this.#refuseToken(action, pathLicenceId, context, 'token_expired', 'grace_over', claims.org);
    }
    const check = await this.#o.store.check(claims.lic, claims.act);
    if (check === undefined) return this.#refuseToken(action, pathLicenceId, context, 'token_invalid', 'no_licence');
    const activation = check.activation;
    if (activation?.deactivatedAt !== null || activation.installationId !== claims.ins) {
      return this.#refuseToken(action, pathLicenceId, context, 'token_invalid', 'activation_ended', check.licence.orgId);
    }
    return { claims, check, activation };
  }

  async #refuseToken(
    action: AuditAction,
    licenceId: string,
    context: RequestContext,
    code: Extract<ErrorCode, 'token_invalid' | 'token_expired'>,
    reason: string,
    orgId?: string,
  ): Promise<never> {
    // The path's id is named only when the token proved the org (anyone can put any id in a path).
    await this.#refuse(action, orgId, orgId === undefined ? undefined : licenceId, context, reason, {});
    throw new DomainError(
      code,
      code === 'token_expired' ? 'The activation token is past its grace period; activate again' : 'The activation token is not valid',
    );
  }

  async #refuse(
    action: AuditAction,
    orgId: string | undefined,
    licenceId: string | undefined,
    context: RequestContext,
    reason: string,
    details: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    await this.#o.audit.record(licenceAuditEvent({ action, orgId, resource: licenceId, context, reason, details }));
  }

  async #usable(licence: ActivationCheck['licence'], activation: Activation): Promise<LicenceAnswer> {
    const { token, claims } = await this.#o.tokens.mint(licence, activation);
    return { valid: true, revoked: false, licenceId: licence.id, expiresAt: licence.expiresAt, token, claims, activationId: activation.id };
  }
}
