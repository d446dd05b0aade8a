/**
 * The platform authorizer's rules, on the reference user store: `system` owners and admins hold
 * the platform permissions; anything else — another role, an org-scoped permission, an unknown
 * permission, a non-user principal, a disabled or unknown user — is denied with a reason.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryUserStore } from '../../../src/identity/accounts/adapters/memory-user-store.js';
import type { Principal } from '../../../src/kernel/domain/principal.js';
import { PlatformAuthorizer } from '../../../src/tenancy/services/platform-authorizer.js';

const NOW = Date.UTC(2026, 0, 1);
const user = (id: string): Principal => ({ type: 'user', id, via: 'bearer' });
const platform = (permission: string) => ({ permission, scope: 'platform' as const });

describe('PlatformAuthorizer', () => {
  let users: MemoryUserStore;
  let authorizer: PlatformAuthorizer;

  beforeEach(async () => {
    users = new MemoryUserStore();
    await users.bootstrap(
      { id: 'org_sys', slug: 'system', name: 'System', createdAt: NOW },
      { id: 'usr_owner', email: 'owner@example.test', name: null, passwordHash: null, now: NOW },
      'owner',
    );
    await users.create({ id: 'usr_plain', email: 'plain@example.test', name: null, passwordHash: null, now: NOW });
    authorizer = new PlatformAuthorizer(users);
  });

  it('grants users.manage and metrics.read to a system owner', async () => {
    for (const permission of ['users.manage', 'metrics.read']) {
      expect((await authorizer.decide({ principal: user('usr_owner'), access: platform(permission), org: undefined })).allow).toBe(true);
    }
  });

  it('denies, with a reason, everything outside the rule', async () => {
    const denied = [
      { principal: user('usr_plain'), access: platform('users.manage'), org: undefined },
      { principal: user('usr_owner'), access: platform('keys.manage'), org: undefined },
      { principal: user('usr_owner'), access: { permission: 'users.manage', scope: 'org' as const }, org: 'system' },
      { principal: { type: 'api_key' as const, id: 'key_1', via: 'api_key' as const }, access: platform('users.manage'), org: undefined },
      { principal: user('usr_ghost'), access: platform('users.manage'), org: undefined },
    ];
    for (const question of denied) {
      const decision = await authorizer.decide(question);
      expect(decision.allow).toBe(false);
      expect(decision.reason.length).toBeGreaterThan(0);
    }
  });

  it('a disabled owner holds nothing', async () => {
    await users.setStatus('usr_owner', 'disabled', NOW + 1);
    expect((await authorizer.decide({ principal: user('usr_owner'), access: platform('users.manage'), org: undefined })).allow).toBe(false);
  });
});
