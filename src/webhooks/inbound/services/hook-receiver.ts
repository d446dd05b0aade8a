/**
 * `POST /api/v1/hooks/{source}` as a use case, in the order that keeps it safe:
 * 1. find the source (a platform source by name, an org source by its `src_…` id; else 404);
 * 2. check the signature over the RAW bytes with the source's key(s) — the current secret and,
 *    during an overlap, the previous one — before anything parses the body; a refusal is audited
 *    (aggregated, services/refusal-audit.ts) and answered 401 `token_invalid`, the same answer for
 *    every reason so a prober learns nothing;
 * 3. only then parse the body (prototype keys removed) for the event type and, for Stripe, its id;
 * 4. store the event in the inbox — one INSERT, audited first; a replayed event id loses on the
 *    unique constraint and is answered 200 `duplicate` without being handed over again;
 * 5. wake the hand-over bus.
 */
import { parse as secureJsonParse } from 'secure-json-parse';
import { auditedChange, recordNotApplied } from '../../../kernel/audited-change.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import type { PlatformHookSource } from '../config.js';
import { verifyStandardWebhooks, verifyStripe, type HookHeaders } from '../crypto/hook-signatures.js';
import { acceptedVersions, isSourceId, MAX_EVENT_ID_LENGTH, type HookScheme, type SignatureVerdict } from '../domain/hook-source.js';
import type { InboundStore } from '../ports/inbound-store.js';
import type { HookRefusalAudit } from './refusal-audit.js';
import { keyOf, type SourceKeys } from './source-keys.js';

export interface HookReceiverOptions {
  readonly store: InboundStore;
  readonly keys: SourceKeys;
  readonly platform: readonly PlatformHookSource[];
  readonly platformTolerance: number;
  readonly refusals: HookRefusalAudit;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** A new inbox row exists (wakes the hand-over). */
  readonly onAccepted: () => void;
  /** Makes an inbox row id (`hin_…`). */
  readonly newId: () => string;
}

/** The answer of an inbound request. */
export interface Receipt {
  readonly status: 'accepted' | 'duplicate';
  readonly eventId: string;
}

/** A source as the receiver needs it, whichever kind. */
interface ResolvedSource {
  readonly key: string;
  readonly name: string;
  readonly orgId: string | null;
  readonly scheme: HookScheme;
  readonly toleranceSeconds: number;
  keys(): Promise<readonly Buffer[]>;
}

const REFUSED = 'The webhook signature is not valid, or its timestamp is outside the tolerance';

function parsePayload(body: Buffer): unknown {
  try {
    return secureJsonParse(body.toString('utf8'), null, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return undefined;
  }
}

function field(payload: unknown, name: string): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const value = (payload as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_EVENT_ID_LENGTH ? value : undefined;
}

export class HookReceiver {
  readonly #o: HookReceiverOptions;
  readonly #platform: ReadonlyMap<string, { readonly source: PlatformHookSource; readonly key: Buffer | undefined }>;

  constructor(options: HookReceiverOptions) {
    this.#o = options;
    this.#platform = new Map(
      options.platform.map((source) => [source.name, { source, key: keyOf(source.scheme, source.secret.reveal()) }]),
    );
  }

  async receive(sourceKey: string, headers: HookHeaders, body: Buffer, context: RequestContext): Promise<Receipt> {
    const source = await this.#resolve(sourceKey);
    if (source === undefined) throw new DomainError('not_found', 'No such hook source');
    const now = this.#o.clock.now();
    const verdict = await this.#verify(source, headers, body, now);
    const org = source.orgId ?? SYSTEM_ORG_SLUG;
    if (!verdict.ok) {
      await this.#o.refusals.record({ org, sourceKey: source.key, scheme: source.scheme, reason: verdict.reason, context });
      throw new DomainError('token_invalid', REFUSED);
    }
    const payload = parsePayload(body);
    const eventId = verdict.eventId ?? field(payload, 'id');
    if (eventId === undefined) throw new DomainError('validation_failed', 'The event carries no id');
    const event: AuditEvent = {
      org,
      actor: { type: 'system', id: null },
      action: 'webhook.inbound_accepted',
      resource: `hook_source:${source.key}`,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: { event_id: eventId, scheme: source.scheme },
    };
    const id = this.#o.newId();
    const outcome = await auditedChange(this.#o.audit, event, () =>
      this.#o.store.accept({
        id,
        orgId: source.orgId,
        sourceKey: source.key,
        sourceName: source.name,
        eventId,
        eventType: field(payload, 'type'),
        body,
        receivedAt: now,
      }),
    );
    if (outcome === 'duplicate') {
      await recordNotApplied(this.#o.audit, event, 'duplicate');
      return { status: 'duplicate', eventId };
    }
    this.#o.onAccepted();
    return { status: 'accepted', eventId };
  }

  async #verify(source: ResolvedSource, headers: HookHeaders, body: Buffer, now: number): Promise<SignatureVerdict> {
    const keys = await source.keys();
    if (keys.length === 0) return { ok: false, reason: 'secret_unusable' };
    const verify = source.scheme === 'stripe' ? verifyStripe : verifyStandardWebhooks;
    return verify(keys, headers, body, Math.floor(now / 1000), source.toleranceSeconds);
  }

  async #resolve(sourceKey: string): Promise<ResolvedSource | undefined> {
    const platform = this.#platform.get(sourceKey);
    if (platform !== undefined) {
      const key = platform.key;
      return {
        key: sourceKey,
        name: sourceKey,
        orgId: null,
        scheme: platform.source.scheme,
        toleranceSeconds: this.#o.platformTolerance,
        keys: () => Promise.resolve(key === undefined ? [] : [key]),
      };
    }
    if (!isSourceId(sourceKey)) return undefined;
    const source = await this.#o.store.findById(sourceKey);
    if (source === undefined) return undefined;
    const now = this.#o.clock.now();
    return {
      key: source.id,
      name: source.name,
      orgId: source.orgId,
      scheme: source.scheme,
      toleranceSeconds: source.toleranceSeconds,
      keys: async () => {
        const keys = await Promise.all(
          acceptedVersions(source, now).map((version) => this.#o.keys.key(source.orgId, source.secretName, version, source.scheme)),
        );
        return keys.filter((key): key is Buffer => key !== undefined);
      },
    };
  }
}
