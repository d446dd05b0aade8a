/**
 * The tenant scope is a capability (DESIGN.md principle 3): a repository call without one, or with
 * a look-alike literal, does not type-check. The `@ts-expect-error` lines are checked by
 * `tsc -p tsconfig.json --noEmit` (tsconfig includes test/): if any of them ever type-checked, the
 * directive itself would be an error and the type-check would fail.
 */
import { describe, expect, it } from 'vitest';
import { mintTenantScope } from '../../../src/kernel/domain/tenant-scope.js';
import type { OrgStore } from '../../../src/tenancy/ports/org-store.js';

// Never called: these functions exist only for the compiler to check them.
export function _withoutScope(store: OrgStore): void {
  // @ts-expect-error — a tenant repository method needs a TenantScope as its first argument.
  void store.members();
  // @ts-expect-error — an org id is not a scope.
  void store.members('org_0123');
  // @ts-expect-error — a literal with the same visible fields is not a scope (the brand is a private symbol).
  void store.members({ orgId: 'org_0123', orgSlug: 'acme', principal: undefined });
  const forged: { orgId: string; orgSlug: string; principal: undefined } = { orgId: 'org_0123', orgSlug: 'acme', principal: undefined };
  // @ts-expect-error — nor is a variable of that shape.
  void store.deleteOrg(forged);
}

describe('TenantScope', () => {
  it('is minted frozen, bound to one org', () => {
    const scope = mintTenantScope({ id: 'org_1', slug: 'acme' }, { type: 'user', id: 'usr_1', via: 'bearer' });
    expect(scope).toMatchObject({ orgId: 'org_1', orgSlug: 'acme', principal: { id: 'usr_1' } });
    expect(Object.isFrozen(scope)).toBe(true);
    expect(typeof _withoutScope).toBe('function');
  });
});
