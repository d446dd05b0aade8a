/**
 * An org's webhook endpoints. Every method reaches the rows of its scope's org and no other:
 * another org's endpoint is answered as if it did not exist (undefined, false).
 */
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { DisabledReason, WebhookEndpoint } from '../domain/webhook-endpoint.js';

/** What an update may change; absent fields stay. */
export interface EndpointChanges {
  readonly url?: string;
  readonly events?: readonly string[];
  readonly description?: string;
  /** `null` enables (and forgets the failing run); a reason disables. */
  readonly disabledReason?: DisabledReason | null;
}

/** The signing secrets after a rotation. */
export interface SecretRotation {
  readonly secretVersion: number;
  readonly previousSecretVersion: number;
  readonly previousSecretUntil: number;
}

export interface EndpointStore {
  create(scope: TenantScope, endpoint: WebhookEndpoint): Promise<void>;
  /** The org's endpoints by id, after `after`, at most `limit`. */
  list(scope: TenantScope, after: string | undefined, limit: number): Promise<readonly WebhookEndpoint[]>;
  find(scope: TenantScope, id: string): Promise<WebhookEndpoint | undefined>;
  /** The endpoint after the change; undefined when there is no such endpoint. */
  update(scope: TenantScope, id: string, changes: EndpointChanges, now: number): Promise<WebhookEndpoint | undefined>;
  /** Records a rotation; false when there is no such endpoint. */
  rotate(scope: TenantScope, id: string, rotation: SecretRotation, now: number): Promise<boolean>;
  /** Deletes the endpoint with its deliveries and their attempts; false when there was none. */
  delete(scope: TenantScope, id: string): Promise<boolean>;
}
