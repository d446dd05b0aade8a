/**
 * The ClientStore contract (src/credentials/ports/client-store.ts), run on every adapter and
 * backend, with several handles acting as several instances: scoped and operator methods never
 * reach another org's clients; a revocation is written once; a client assertion's `(client, jti)`
 * is used once however many instances race, and stays used until it expires; a token revocation is
 * idempotent; and an instance starting up learns every revocation that still matters.
 *
 * The port holds no client secret in clear (only its hash, given by the caller) and has no secret
 * rotation: a client is replaced by creating another and revoking the first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredServiceClient } from '../../src/credentials/domain/service-client.js';
import type { ClientStore, NewServiceClient } from '../../src/credentials/ports/client-store.js';
import { mintTenantScope, type TenantScope } from '../../src/kernel/domain/tenant-scope.js';

export interface ClientStoreSubject {
  /** Several handles on one store (instances); the first is used for setup. */
  readonly stores: readonly ClientStore[];
  /** Creates the org `id` (a client's org must exist). */
  createOrg(id: string, slug: string): Promise<void>;
  cleanup(): Promise<void>;
}

const NOW = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const hash = (n: number): string => n.toString(16).padStart(64, '0');

const JWKS = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k1' }] };

function newClient(id: string, n: number, fields: Partial<NewServiceClient> = {}): NewServiceClient {
  return {
    id,
    name: `client ${id}`,
    authMethod: 'client_secret_basic',
    secretHash: hash(n),
    jwks: null,
    scopes: ['members.read'],
    audiences: [],
    createdBy: 'usr_creator',
    now: NOW,
    ...fields,
  };
}

/** The client as the store must answer it right after its creation in `orgId`. */
function stored(client: NewServiceClient, orgId: string): StoredServiceClient {
  return {
    id: client.id,
    orgId,
    name: client.name,
    authMethod: client.authMethod,
    scopes: client.scopes,
    audiences: client.audiences ?? [],
    createdBy: client.createdBy,
    createdAt: client.now,
    revokedAt: null,
    jwks: client.jwks,
    secretHash: client.secretHash,
  };
}

export function clientStoreContract(name: string, make: () => Promise<ClientStoreSubject>): void {
  describe(`ClientStore contract: ${name}`, () => {
    let subject: ClientStoreSubject;
    let store: ClientStore;
    // Tests mint scopes as the authorization layer would after a positive decision.
    const scopeA: TenantScope = mintTenantScope({ id: 'org_a', slug: 'alpha' }, undefined);
    const scopeB: TenantScope = mintTenantScope({ id: 'org_b', slug: 'beta' }, undefined);
    const clientA1 = newClient('cli_a1', 1);
    const clientA2 = newClient('cli_a2', 0, {
      authMethod: 'private_key_jwt',
      secretHash: null,
      jwks: JWKS,
      scopes: ['members.read', 'secrets.read'],
    });
    const clientB1 = newClient('cli_b1', 2);

    beforeEach(async () => {
      subject = await make();
      store = subject.stores[0]!;
      await subject.createOrg('org_a', 'alpha');
      await subject.createOrg('org_b', 'beta');
      await store.create(scopeA, clientA1);
      await store.create(scopeA, clientA2);
      await subject.stores.at(-1)!.create(scopeB, clientB1);
    });

    afterEach(async () => {
      await subject?.cleanup();
    });

    /**
     * Opens a connection per caller on every instance before a race: a pool that must connect
     * first (tens of ms each on PostgreSQL) would start the callers one after another, and
     * nothing would race.
     */
    async function warm(callers = 12): Promise<void> {
      await Promise.all(
        Array.from({ length: callers }, (_, i) => subject.stores[i % subject.stores.length]!.findForAuthentication('cli_nope')),
      );
    }

    const ids = (clients: readonly StoredServiceClient[]): string[] => clients.map((c) => c.id).sort();

    describe('scoped and operator methods', () => {
      it('stores a client in the scope’s org with everything it authenticates with, and finds it there', async () => {
        expect(await store.find(scopeA, 'cli_a1')).toEqual(stored(clientA1, 'org_a'));
        expect(await store.find(scopeA, 'cli_a2')).toEqual(stored(clientA2, 'org_a'));
        expect(await store.find(scopeB, 'cli_b1')).toEqual(stored(clientB1, 'org_b'));
        expect(await store.find(scopeA, 'cli_nope')).toBeUndefined();
        expect(ids(await store.list(scopeA))).toEqual(['cli_a1', 'cli_a2']);
        expect((await store.list(scopeA)).find((c) => c.id === 'cli_a2')).toEqual(stored(clientA2, 'org_a'));
      });

      it("never reaches another org's client through a scope: not found, not listed, not revoked", async () => {
        expect(await store.find(scopeA, 'cli_b1')).toBeUndefined();
        expect(await store.find(scopeB, 'cli_a1')).toBeUndefined();
        expect(ids(await store.list(scopeB))).toEqual(['cli_b1']);
        expect(await store.revoke(scopeA, 'cli_b1', NOW + 5)).toBe(false);
        expect(await store.find(scopeB, 'cli_b1')).toEqual(stored(clientB1, 'org_b'));
        expect(await store.revokedSince(NOW)).toEqual([]);
      });

      it('revokes once: the first call wins and keeps its time; an unknown client is not revoked', async () => {
        expect(await store.revoke(scopeA, 'cli_a1', NOW + 5)).toBe(true);
        expect(await subject.stores.at(-1)!.revoke(scopeA, 'cli_a1', NOW + 9)).toBe(false);
        expect(await store.operator.revoke('org_a', 'cli_a1', NOW + 10)).toBe(false);
        expect(await store.find(scopeA, 'cli_a1')).toEqual({ ...stored(clientA1, 'org_a'), revokedAt: NOW + 5 });
        expect(await store.find(scopeA, 'cli_a2')).toEqual(stored(clientA2, 'org_a'));
        expect(await store.revoke(scopeA, 'cli_nope', NOW + 5)).toBe(false);
      });

      it('of N concurrent revocations of one client, on several instances, exactly one resolves true', async () => {
        await warm();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => subject.stores[i % subject.stores.length]!.revoke(scopeA, 'cli_a2', NOW + 1 + i)),
        );
        expect(results.filter((won) => won)).toHaveLength(1);
        expect((await store.find(scopeA, 'cli_a2'))?.revokedAt).toBe(NOW + 1 + results.indexOf(true));
      });

      it('the operator acts on the org it names, as the scoped methods do, and on no other', async () => {
        const made = newClient('cli_a3', 3, { createdBy: 'usr_operator' });
        await store.operator.create('org_a', made);
        expect(await store.find(scopeA, 'cli_a3')).toEqual(stored(made, 'org_a'));
        expect(await store.find(scopeB, 'cli_a3')).toBeUndefined();
        expect(ids(await store.operator.list('org_a'))).toEqual(['cli_a1', 'cli_a2', 'cli_a3']);
        expect(ids(await store.operator.list('org_b'))).toEqual(['cli_b1']);
        expect(await store.operator.list('org_nope')).toEqual([]);
        expect(await store.operator.revoke('org_b', 'cli_a3', NOW + 5)).toBe(false);
        expect(await store.operator.revoke('org_a', 'cli_a3', NOW + 5)).toBe(true);
        expect(await store.operator.revoke('org_a', 'cli_a3', NOW + 6)).toBe(false);
        expect(await store.find(scopeA, 'cli_a3')).toMatchObject({ revokedAt: NOW + 5 });
        expect(await store.revoke(scopeA, 'cli_a3', NOW + 7)).toBe(false);
        expect(await store.find(scopeB, 'cli_b1')).toMatchObject({ revokedAt: null });
      });
    });

    describe('before any scope', () => {
      it("liveCreatedBy lists a creator's live clients of every org, and no one else's", async () => {
        await store.create(scopeB, newClient('cli_b2', 3, { createdBy: 'usr_other' }));
        expect(ids(await store.liveCreatedBy('usr_creator'))).toEqual(['cli_a1', 'cli_a2', 'cli_b1']);
        expect(await store.revoke(scopeA, 'cli_a1', NOW + 5)).toBe(true);
        expect(ids(await subject.stores.at(-1)!.liveCreatedBy('usr_creator'))).toEqual(['cli_a2', 'cli_b1']);
        expect(ids(await store.liveCreatedBy('usr_other'))).toEqual(['cli_b2']);
        expect(await store.liveCreatedBy('usr_nobody')).toEqual([]);
      });

      it('findForAuthentication finds any org’s client by its id, revoked ones too, as they are', async () => {
        expect(await store.findForAuthentication('cli_a2')).toEqual(stored(clientA2, 'org_a'));
        expect(await subject.stores.at(-1)!.findForAuthentication('cli_b1')).toEqual(stored(clientB1, 'org_b'));
        expect(await store.findForAuthentication('cli_nope')).toBeUndefined();
        expect(await store.revoke(scopeA, 'cli_a1', NOW + 5)).toBe(true);
        expect(await store.findForAuthentication('cli_a1')).toEqual({ ...stored(clientA1, 'org_a'), revokedAt: NOW + 5 });
      });

      it('useAssertion: of N concurrent uses of one (client, jti), on several instances, exactly one succeeds', async () => {
        await warm();
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            subject.stores[i % subject.stores.length]!.useAssertion('cli_a2', 'jti-1', NOW + MINUTE, NOW),
          ),
        );
        expect(results.filter((used) => used)).toHaveLength(1);
        expect(await store.useAssertion('cli_a2', 'jti-1', NOW + MINUTE, NOW + 1)).toBe(false);
      });

      it('useAssertion: a used (client, jti) stays used until the assertion expires; another client or jti is its own', async () => {
        expect(await store.useAssertion('cli_a2', 'jti-1', NOW + MINUTE, NOW)).toBe(true);
        expect(await store.useAssertion('cli_b1', 'jti-1', NOW + MINUTE, NOW)).toBe(true);
        expect(await store.useAssertion('cli_a2', 'jti-2', NOW + 10, NOW)).toBe(true);
        // Later uses, each of which may clear expired entries, never clear a live one.
        expect(await subject.stores.at(-1)!.useAssertion('cli_a2', 'jti-3', NOW + 2 * MINUTE, NOW + 30_000)).toBe(true);
        expect(await store.useAssertion('cli_a2', 'jti-1', NOW + MINUTE, NOW + MINUTE - 1)).toBe(false);
        expect(await store.useAssertion('cli_b1', 'jti-1', NOW + MINUTE, NOW + MINUTE - 1)).toBe(false);
        expect(await store.useAssertion('cli_a2', 'jti-3', NOW + 2 * MINUTE, NOW + MINUTE)).toBe(false);
        // A different jti of a client that has used one is not refused.
        expect(await store.useAssertion('cli_a2', 'jti-4', NOW + 2 * MINUTE, NOW + MINUTE)).toBe(true);
      });
    });

    describe('revocation records', () => {
      it('revokeToken is idempotent, concurrently too: one record, with the first time', async () => {
        await store.revokeToken('cli_a1', 'org_a', 'jti-t1', NOW + 5, NOW + 15 * MINUTE);
        await warm();
        await expect(
          Promise.all(
            Array.from({ length: 6 }, (_, i) =>
              subject.stores[i % subject.stores.length]!.revokeToken('cli_a1', 'org_a', 'jti-t1', NOW + 6 + i, NOW + 15 * MINUTE),
            ),
          ),
        ).resolves.toHaveLength(6);
        expect(await store.revokedSince(NOW)).toEqual([{ id: 'jti-t1', revokedAt: NOW + 5 }]);
      });

      it('revokedSince: clients revoked at or after `since` and revoked tokens not yet expired at `since`, of every org', async () => {
        expect(await store.revoke(scopeA, 'cli_a1', NOW + 100)).toBe(true);
        expect(await store.revoke(scopeB, 'cli_b1', NOW + 200)).toBe(true);
        // Revoked at NOW + 50, the token would live until NOW + 500; another one until NOW + 90.
        await store.revokeToken('cli_a2', 'org_a', 'jti-live', NOW + 50, NOW + 500);
        await store.revokeToken('cli_b1', 'org_b', 'jti-gone', NOW + 60, NOW + 90);
        const byId = (records: readonly { id: string; revokedAt: number }[]) => [...records].sort((x, y) => x.id.localeCompare(y.id));
        expect(byId(await subject.stores.at(-1)!.revokedSince(NOW))).toEqual([
          { id: 'cli_a1', revokedAt: NOW + 100 },
          { id: 'cli_b1', revokedAt: NOW + 200 },
          { id: 'jti-gone', revokedAt: NOW + 60 },
          { id: 'jti-live', revokedAt: NOW + 50 },
        ]);
        // At NOW + 100: cli_a1 (at the boundary) and cli_b1; jti-live, revoked earlier but still
        // a live token; not jti-gone, expired by then (no instance can be shown it any more).
        expect(byId(await store.revokedSince(NOW + 100))).toEqual([
          { id: 'cli_a1', revokedAt: NOW + 100 },
          { id: 'cli_b1', revokedAt: NOW + 200 },
          { id: 'jti-live', revokedAt: NOW + 50 },
        ]);
        expect(byId(await store.revokedSince(NOW + 101))).toEqual([
          { id: 'cli_b1', revokedAt: NOW + 200 },
          { id: 'jti-live', revokedAt: NOW + 50 },
        ]);
        expect(await store.revokedSince(NOW + 500)).toEqual([{ id: 'jti-live', revokedAt: NOW + 50 }]);
        expect(await store.revokedSince(NOW + 501)).toEqual([]);
      });
    });
  });
}
