/**
 * The pure decision (tenancy/domain/decide.ts) and the permission registry (tenancy/domain/permissions.ts): deny
 * by default, hidden denies for what the caller cannot see, an API key's or service client's
 * authority as `scopes ∩ its owner's permissions`, confinement to one org, and configuration errors
 * at registration for unknown permissions.
 */
import { describe, expect, it } from 'vitest';
import { decide, type DecisionOrg, type DecisionSubject } from '../../../src/tenancy/domain/decide.js';
import { BUILTIN_ROLE_NAMES, PermissionConfigurationError, PermissionRegistry } from '../../../src/tenancy/domain/permissions.js';
import type { Principal } from '../../../src/kernel/domain/principal.js';

const registry = new PermissionRegistry([{ name: 'vm.export', grantedTo: ['operator'] }]);
const roles = new Map<string, ReadonlySet<string>>(BUILTIN_ROLE_NAMES.map((name) => [name, registry.builtin(name)]));
roles.set('deployer', new Set(['jobs.run']));
const org: DecisionOrg = { id: 'org_a', slug: 'acme', roles, knows: (p) => registry.has(p) };
const user: Principal = { type: 'user', id: 'usr_1', via: 'bearer' };
const subject = (role: string | undefined, principal: Principal = user, active = true): DecisionSubject => ({ principal, active, role });

describe('decide()', () => {
  it('allows what the role grants, with a reason naming it', () => {
    expect(decide(subject('viewer'), org, 'resources.read')).toEqual({ allow: true, reason: 'role viewer grants resources.read' });
    expect(decide(subject('deployer'), org, 'jobs.run').allow).toBe(true);
    expect(decide(subject('operator'), org, 'vm.export').allow).toBe(true);
  });

  it('denies inside the org (visible: 403) what the role does not grant', () => {
    expect(decide(subject('viewer'), org, 'secrets.manage')).toEqual({ allow: false, reason: 'role viewer does not grant secrets.manage' });
    expect(decide(subject('admin'), org, 'org.delete').hide).toBeUndefined();
    expect(decide(subject('viewer'), org, 'vm.export').allow).toBe(false);
  });

  it('hides the org from a non-member, an inactive account, and a credential confined elsewhere', () => {
    expect(decide(subject(undefined), org, 'org.read')).toMatchObject({ allow: false, hide: true });
    expect(decide(subject('owner', user, false), org, 'org.read')).toMatchObject({ allow: false, hide: true });
    const confined: Principal = { type: 'api_key', id: 'key_1', via: 'api_key', owner: 'usr_1', scopes: ['org.read'], org: 'org_b' };
    expect(decide(subject('owner', confined), org, 'org.read')).toMatchObject({ allow: false, hide: true });
  });

  it('hides a resource of another org', () => {
    expect(decide(subject('owner'), org, 'resources.read', { org: 'org_b' })).toMatchObject({ allow: false, hide: true });
    expect(decide(subject('owner'), org, 'resources.read', { org: 'acme' }).allow).toBe(true);
  });

  it('denies an unknown permission and every platform permission', () => {
    expect(decide(subject('owner'), org, 'vm.unknown')).toEqual({ allow: false, reason: 'unknown permission vm.unknown' });
    expect(decide(subject('owner'), org, 'users.manage').allow).toBe(false);
  });

  it("bounds an API key or service client by scopes ∩ its owner's role", () => {
    const key: Principal = {
      type: 'api_key',
      id: 'key_1',
      via: 'api_key',
      owner: 'usr_1',
      scopes: ['secrets.manage', 'resources.read'],
      org: 'org_a',
    };
    // The owner is a viewer: the key's secrets.manage scope grants nothing.
    expect(decide(subject('viewer', key), org, 'secrets.manage').allow).toBe(false);
    expect(decide(subject('viewer', key), org, 'resources.read').allow).toBe(true);
    // An admin owner, but the key lacks the scope.
    expect(decide(subject('admin', key), org, 'jobs.read').allow).toBe(false);
    const client: Principal = { type: 'service', id: 'cli_1', via: 'client', owner: 'usr_1', scopes: ['jobs.read'] };
    expect(decide(subject('admin', client), org, 'jobs.read').allow).toBe(true);
    expect(decide(subject(undefined, client), org, 'jobs.read')).toMatchObject({ allow: false, hide: true });
  });
});

describe('PermissionRegistry', () => {
  it('refuses unknown permissions in a role, and invalid registrations, as configuration errors', () => {
    expect(() => registry.validateRole(['org.read', 'vm.nope'])).toThrow(PermissionConfigurationError);
    expect(registry.validateRole(['org.read', 'jobs.read', 'org.read'])).toEqual(['jobs.read', 'org.read']);
    expect(() => new PermissionRegistry([{ name: 'Not A Name' }])).toThrow(PermissionConfigurationError);
    expect(() => new PermissionRegistry([{ name: 'users.manage' }])).toThrow(PermissionConfigurationError);
  });

  it('gives owner every permission, admin all but org.delete, and app permissions to owner and admin', () => {
    expect(registry.builtin('owner').has('vm.export')).toBe(true);
    expect(registry.builtin('admin').has('org.delete')).toBe(false);
    expect(registry.builtin('admin').has('vm.export')).toBe(true);
    expect(new PermissionRegistry([{ name: 'vm.start' }]).builtin('viewer').has('vm.start')).toBe(false);
  });
});
