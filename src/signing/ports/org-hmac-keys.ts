/**
 * Each org's HMAC-SHA256 key for internal artifact signatures (issue 16 item 2), kept as one of
 * the org's secrets (envelope-encrypted by the secrets capability), so that the org's own
 * pipelines can read it there (`secrets.manage`) to verify. Made on first use.
 */
import type { Secret } from '../../kernel/domain/secret.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';

export interface OrgHmacKeys {
  /** The org's current key (32 bytes) and its id `hmac:<org id>:<secret version>`. The caller zeroes the key after use. */
  key(scope: TenantScope, context: RequestContext | undefined): Promise<{ readonly keyId: string; readonly key: Secret<Buffer> }>;
}
