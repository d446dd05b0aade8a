/** Opaque, prefixed ids (`usr_…`, `org_…`, `ses_…`): 128 random bits, hex. */
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'usr' | 'org' | 'ses';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}
