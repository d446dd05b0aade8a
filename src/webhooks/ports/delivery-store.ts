/**
 * The deliveries of an org's endpoints, as its managers see them (tenant-scoped: another org's
 * delivery is answered as absent).
 */
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { Delivery, DeliveryAttempt, DeliveryStatus } from '../domain/delivery.js';

/** A position in a delivery listing (newest first). */
export interface DeliveryCursor {
  readonly createdAt: number;
  readonly id: string;
}

export interface DeliveryStore {
  /** The endpoint's deliveries, newest first, after `after`, at most `limit`, optionally of one status. */
  list(
    scope: TenantScope,
    endpointId: string,
    options: { readonly after?: DeliveryCursor; readonly limit: number; readonly status?: DeliveryStatus },
  ): Promise<readonly Delivery[]>;
  find(scope: TenantScope, endpointId: string, deliveryId: string): Promise<Delivery | undefined>;
  /** The delivery's latest attempts (its log keeps 50), oldest first. */
  attempts(scope: TenantScope, deliveryId: string): Promise<readonly DeliveryAttempt[]>;
  /** Makes the delivery due at `now` again (whatever its status); false when there is no such delivery. */
  retry(scope: TenantScope, endpointId: string, deliveryId: string, now: number): Promise<boolean>;
}
