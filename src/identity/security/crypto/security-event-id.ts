/** Security event ids (`sev_…`, the prefix api-v1.md reserves): 128 random bits, hex. */
import { randomKey } from '../../../kernel/crypto/random.js';

export function newSecurityEventId(): string {
  return `sev_${randomKey(16).toString('hex')}`;
}
