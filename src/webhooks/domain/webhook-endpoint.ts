/**
 * A webhook endpoint of an org (issue 15, item 1): a URL, the events it subscribes to, and the
 * secrets that sign what it receives. Subscriptions are exact event types, prefixes ending in `.*`
 * (`member.*`) or `*`; only those that name at least one type of the catalogue are accepted, so a
 * typo is refused at creation rather than silently never matching.
 */
import type { EventType } from '../../kernel/domain/events.js';

export const WEBHOOK_ID_PATTERN = '^whk_[a-f0-9]{32}$';
export const DELIVERY_ID_PATTERN = '^whd_[a-f0-9]{32}$';
/** A subscription: `*`, an event type, or a prefix of event types followed by `.*`. */
export const SUBSCRIPTION_PATTERN = '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?)$';
/** How many subscriptions one endpoint may list. */
export const MAX_SUBSCRIPTIONS = 100;
export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 500;

/** Why an endpoint receives nothing: switched off by a manager, or by Rampart after failing too long. */
export type DisabledReason = 'manual' | 'failing';

export interface WebhookEndpoint {
  readonly id: string;
  readonly orgId: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string;
  readonly disabledReason: DisabledReason | null;
  /** The org's secret (secrets capability) whose versions are the signing secrets. */
  readonly secretName: string;
  readonly secretVersion: number;
  readonly previousSecretVersion: number | null;
  /** Until when the previous version still signs beside the current one. */
  readonly previousSecretUntil: number | null;
  readonly failingSince: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The secret of the secrets capability that holds an endpoint's signing secrets. */
export function endpointSecretName(endpointId: string): string {
  return `webhook.${endpointId}`;
}

/** Whether an endpoint subscribed to `subscriptions` receives an event of `type`. */
export function subscribes(subscriptions: readonly string[], type: string): boolean {
  return subscriptions.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}

/** The subscriptions that name no type of `catalogue` (empty when all are valid). */
export function unknownSubscriptions(subscriptions: readonly string[], catalogue: readonly EventType[]): string[] {
  return subscriptions.filter((pattern) => !catalogue.some((type) => subscribes([pattern], type)));
}

/** The versions of the endpoint's secret that sign at `now`: the current one, and the previous one during the overlap. */
export function signingVersions(endpoint: WebhookEndpoint, now: number): number[] {
  const versions = [endpoint.secretVersion];
  if (endpoint.previousSecretVersion !== null && endpoint.previousSecretUntil !== null && now < endpoint.previousSecretUntil) {
    versions.push(endpoint.previousSecretVersion);
  }
  return versions;
}
