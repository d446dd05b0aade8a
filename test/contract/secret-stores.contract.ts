/**
 * The contract of the secrets' three stores (src/secrets/ports/secret-backend.ts), run on every
 * adapter, with several handles on one backend acting as instances:
 * - SecretStore (src/secrets/ports/secret-store.ts): versions numbered from 1, never skipped nor
 *   overwritten (a concurrent writer gets `conflict`), a version only under a data key of its
 *   org, delete destroys every version, `min_decryption_version` at most the current version;
 * - DataKeyStore (src/secrets/ports/data-key-store.ts): one active data key per org (of concurrent
 *   replacements exactly one wins), only under the active KEK, reservations never past `max`,
 *   rewrap's compare-and-set and the deletion of unused retired keys only;
 * - KekRegistry (src/secrets/ports/kek-registry.ts): one active KEK, rewraps compare-and-set per key,
 *   a KEK retired only once no data key refers to it;
 * and a tenant scope never reaches another org's secrets or keys, a system scope only the org it names.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintTenantScope, type TenantScope } from '../../src/kernel/domain/tenant-scope.js';
import type { DataKeyRecord } from '../../src/secrets/domain/secret-record.js';
import { systemScope } from '../../src/secrets/domain/system-scope.js';
import type { SecretBackend } from '../../src/secrets/ports/secret-backend.js';

export interface SecretStoresSubject {
  /** Several handles on one backend (instances); the first is used for setup. */
  readonly backends: readonly SecretBackend[];
  cleanup(): Promise<void>;
}

const NOW = Date.UTC(2026, 0, 1);
const orgA = mintTenantScope({ id: 'org_a', slug: 'a' }, undefined);
const orgB = mintTenantScope({ id: 'org_b', slug: 'b' }, undefined);
const sysA = systemScope('org_a');
const sysB = systemScope('org_b');

function dataKey(scope: { readonly orgId: string }, id: string, kekId = 'kek_1'): DataKeyRecord {
  return { id, orgId: scope.orgId, kekId, wrapped: `wrapped:${id}`, state: 'active', encryptions: 0, createdAt: NOW };
}

export function secretStoresContract(name: string, make: () => Promise<SecretStoresSubject>): void {
  describe(`secret stores contract: ${name}`, () => {
    let subject: SecretStoresSubject;
    let backend: SecretBackend;
    /** The handle of instance `i` (round robin). */
    const on = (i: number): SecretBackend => subject.backends[i % subject.backends.length]!;

    beforeEach(async () => {
      subject = await make();
      backend = subject.backends[0]!;
      await backend.keks.addKek('kek_1', 'master-key', NOW);
    });

    afterEach(async () => {
      await subject?.cleanup();
    });

    /** Makes `key` its org's first active data key. */
    async function activate(key: DataKeyRecord): Promise<DataKeyRecord> {
      expect(await backend.dataKeys.replace(systemScope(key.orgId), undefined, key)).toBe(true);
      return key;
    }

    /** Stores the next version of `name` under `dataKeyId`; its ciphertext names the version. */
    function put(scope: TenantScope, name: string, dataKeyId: string, now = NOW, store = backend): Promise<number> {
      return store.secrets.putVersion(scope, name, now, (version) => ({ dataKeyId, ciphertext: `ct:${dataKeyId}:${name}:${version}` }));
    }

    describe('SecretStore', () => {
      beforeEach(async () => {
        await activate(dataKey(orgA, 'dk_a'));
        await activate(dataKey(orgB, 'dk_b'));
      });

      it('numbers versions from 1, seals each with its number, keeps every version and lists names only', async () => {
        const sealedWith: number[] = [];
        for (let i = 0; i < 3; i += 1) {
          const version = await backend.secrets.putVersion(orgA, 'db-password', NOW + i, (next) => {
            sealedWith.push(next);
            return { dataKeyId: 'dk_a', ciphertext: `ct-${next}` };
          });
          expect(version).toBe(i + 1);
        }
        expect(sealedWith).toEqual([1, 2, 3]);
        await put(orgA, 'api-token', 'dk_a', NOW + 5);
        expect(await backend.secrets.find(orgA, 'db-password')).toEqual({
          name: 'db-password',
          version: 3,
          minDecryptionVersion: 1,
          createdAt: NOW,
          updatedAt: NOW + 2,
        });
        expect(await backend.secrets.findVersion(orgA, 'db-password', 2)).toEqual({
          name: 'db-password',
          version: 2,
          dataKeyId: 'dk_a',
          ciphertext: 'ct-2',
          createdAt: NOW + 1,
        });
        expect(await backend.secrets.findVersion(orgA, 'db-password', 4)).toBeUndefined();
        expect(await backend.secrets.find(orgA, 'unknown')).toBeUndefined();
        expect((await backend.secrets.list(orgA)).map((s) => [s.name, s.version])).toEqual([
          ['api-token', 1],
          ['db-password', 3],
        ]);
      });

      it('refuses, with conflict and nothing stored, a version under a data key that is not its org’s', async () => {
        await expect(put(orgA, 'db-password', 'dk_missing')).rejects.toMatchObject({ code: 'conflict' });
        await expect(put(orgA, 'db-password', 'dk_b')).rejects.toMatchObject({ code: 'conflict' });
        expect(await backend.secrets.find(orgA, 'db-password')).toBeUndefined();
        expect(await backend.secrets.list(orgA)).toEqual([]);
        expect(await put(orgA, 'db-password', 'dk_a')).toBe(1);
      });

      it('of concurrent writes of one name, on several instances, each lands under its own number or fails with conflict', async () => {
        await put(orgA, 'shared', 'dk_a');
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            on(i).secrets.putVersion(orgA, 'shared', NOW + 1, (version) => ({ dataKeyId: 'dk_a', ciphertext: `writer-${i}:${version}` })),
          ),
        );
        const landed = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ writer: i, version: r.value }] : []));
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' });
        expect(landed.length).toBeGreaterThan(0);
        expect(landed.map((l) => l.version).sort((x, y) => x - y)).toEqual(Array.from({ length: landed.length }, (_, i) => i + 2));
        expect((await backend.secrets.find(orgA, 'shared'))?.version).toBe(landed.length + 1);
        for (const { writer, version } of landed) {
          expect((await backend.secrets.findVersion(orgA, 'shared', version))?.ciphertext).toBe(`writer-${writer}:${version}`);
        }
      });

      it('delete destroys every version and the secret; false when there is none', async () => {
        await put(orgA, 'db-password', 'dk_a');
        await put(orgA, 'db-password', 'dk_a');
        expect(await backend.secrets.delete(orgA, 'db-password')).toBe(true);
        expect(await backend.secrets.find(orgA, 'db-password')).toBeUndefined();
        expect(await backend.secrets.findVersion(orgA, 'db-password', 1)).toBeUndefined();
        expect(await backend.secrets.findVersion(orgA, 'db-password', 2)).toBeUndefined();
        expect(await backend.secrets.delete(orgA, 'db-password')).toBe(false);
        expect(await put(orgA, 'db-password', 'dk_a')).toBe(1);
      });

      it('sets min_decryption_version up to the current version, in a tenant scope or the system’s on the org', async () => {
        for (let i = 0; i < 3; i += 1) await put(orgA, 'rotated', 'dk_a', NOW + i);
        expect(await backend.secrets.setMinDecryptionVersion(orgA, 'rotated', 2, NOW + 10)).toBe(true);
        expect(await backend.secrets.find(orgA, 'rotated')).toMatchObject({ version: 3, minDecryptionVersion: 2, updatedAt: NOW + 10 });
        expect(await backend.secrets.setMinDecryptionVersion(orgA, 'rotated', 4, NOW + 11)).toBe(false);
        expect(await backend.secrets.setMinDecryptionVersion(orgA, 'unknown', 1, NOW + 11)).toBe(false);
        expect(await backend.secrets.setMinDecryptionVersion(sysA, 'rotated', 3, NOW + 20)).toBe(true);
        expect(await backend.secrets.setMinDecryptionVersion(sysB, 'rotated', 1, NOW + 21)).toBe(false);
        expect(await backend.secrets.find(orgA, 'rotated')).toMatchObject({ minDecryptionVersion: 3, updatedAt: NOW + 20 });
      });

      it('a tenant scope never sees another org’s secrets', async () => {
        await put(orgA, 'only-a', 'dk_a');
        await put(orgA, 'shared', 'dk_a');
        await put(orgA, 'shared', 'dk_a');
        await put(orgB, 'shared', 'dk_b');
        expect((await backend.secrets.list(orgB)).map((s) => [s.name, s.version])).toEqual([['shared', 1]]);
        expect(await backend.secrets.find(orgB, 'only-a')).toBeUndefined();
        expect(await backend.secrets.findVersion(orgB, 'only-a', 1)).toBeUndefined();
        expect(await backend.secrets.findVersion(orgB, 'shared', 2)).toBeUndefined();
        expect((await backend.secrets.findVersion(orgB, 'shared', 1))?.ciphertext).toBe('ct:dk_b:shared:1');
        expect(await backend.secrets.delete(orgB, 'only-a')).toBe(false);
        expect(await backend.secrets.setMinDecryptionVersion(orgB, 'only-a', 1, NOW + 1)).toBe(false);
        expect(await backend.secrets.setMinDecryptionVersion(orgB, 'shared', 2, NOW + 1)).toBe(false);
        expect((await backend.secrets.list(orgA)).map((s) => [s.name, s.version, s.minDecryptionVersion])).toEqual([
          ['only-a', 1, 1],
          ['shared', 2, 1],
        ]);
        expect((await backend.secrets.findVersion(orgA, 'only-a', 1))?.ciphertext).toBe('ct:dk_a:only-a:1');
      });
    });

    describe('DataKeyStore', () => {
      it('an org has no active key until one is made active; then its scope finds it, by state and by id', async () => {
        expect(await backend.dataKeys.active(orgA)).toBeUndefined();
        const key = dataKey(orgA, 'dk_a1');
        expect(await backend.dataKeys.replace(orgA, undefined, key)).toBe(true);
        expect(await backend.dataKeys.active(orgA)).toEqual(key);
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toEqual(key);
        expect(await backend.dataKeys.active(sysA)).toEqual(key);
        expect(await backend.dataKeys.find(sysA, 'dk_a1')).toEqual(key);
        expect(await backend.dataKeys.find(orgA, 'dk_missing')).toBeUndefined();
      });

      it('replace retires the previous key in the same step; with a previous key no longer active it changes nothing', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        expect(await backend.dataKeys.replace(orgA, 'dk_a1', dataKey(orgA, 'dk_a2'))).toBe(true);
        expect((await backend.dataKeys.active(orgA))?.id).toBe('dk_a2');
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toMatchObject({ state: 'retired' });
        expect(await backend.dataKeys.replace(orgA, 'dk_a1', dataKey(orgA, 'dk_a3'))).toBe(false);
        expect(await backend.dataKeys.replace(orgA, undefined, dataKey(orgA, 'dk_a4'))).toBe(false);
        expect(await backend.dataKeys.find(orgA, 'dk_a3')).toBeUndefined();
        expect(await backend.dataKeys.find(orgA, 'dk_a4')).toBeUndefined();
        expect((await backend.dataKeys.active(orgA))?.id).toBe('dk_a2');
      });

      it('of concurrent replacements of an org’s active key, on several instances, exactly one wins', async () => {
        await activate(dataKey(orgA, 'dk_a0'));
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => on(i).dataKeys.replace(orgA, 'dk_a0', dataKey(orgA, `dk_race${i}`))),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await backend.dataKeys.active(orgA))?.id).toBe(`dk_race${winner}`);
        for (let i = 0; i < 10; i += 1) {
          expect(await backend.dataKeys.find(orgA, `dk_race${i}`), `candidate ${i}`).toEqual(
            i === winner ? expect.objectContaining({ state: 'active' }) : undefined,
          );
        }
        expect(await backend.dataKeys.find(orgA, 'dk_a0')).toMatchObject({ state: 'retired' });
      });

      it('of concurrent first keys of an org, on several instances, exactly one wins', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => on(i).dataKeys.replace(orgA, undefined, dataKey(orgA, `dk_first${i}`))),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await backend.dataKeys.active(orgA))?.id).toBe(`dk_first${results.indexOf(true)}`);
        expect(await backend.keks.dataKeyCounts()).toEqual({ kek_1: 1 });
      });

      it('makes a key active only under the active KEK (not once a rotation began), and only a key of the scope’s org', async () => {
        await backend.keks.addKek('kek_2', 'master-key', NOW + 1);
        expect(await backend.dataKeys.replace(orgA, undefined, dataKey(orgA, 'dk_old', 'kek_1'))).toBe(false);
        expect(await backend.dataKeys.find(orgA, 'dk_old')).toBeUndefined();
        await expect(backend.dataKeys.replace(orgA, undefined, dataKey(orgB, 'dk_b', 'kek_2'))).rejects.toThrow(RangeError);
        await expect(backend.dataKeys.replace(sysA, undefined, dataKey(orgB, 'dk_b', 'kek_2'))).rejects.toThrow(RangeError);
        expect(await backend.dataKeys.active(orgB)).toBeUndefined();
        expect(await backend.dataKeys.replace(orgA, undefined, dataKey(orgA, 'dk_new', 'kek_2'))).toBe(true);
      });

      it('a key made active while a KEK is added is either refused or seen by the rotation scan that follows', async () => {
        for (let round = 0; round < 30; round += 1) {
          const from = `kek_${round + 1}`;
          const to = `kek_${round + 2}`;
          const scope = systemScope(`org_round${round}`);
          const [made, scanned] = await Promise.all([
            on(round).dataKeys.replace(scope, undefined, dataKey(scope, `dk_round${round}`, from)),
            on(round + 1)
              .keks.addKek(to, 'master-key', NOW + round + 1)
              .then(() => on(round + 1).keks.dataKeysNotUnder(to, 1000)),
          ]);
          expect(scanned.some((key) => key.id === `dk_round${round}`)).toBe(made);
        }
      });

      it('reserves encryptions up to max and no further; past max it answers undefined and reserves nothing', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        expect(await backend.dataKeys.reserve(orgA, 'dk_a1', 4, 10)).toBe(4);
        expect(await backend.dataKeys.reserve(orgA, 'dk_a1', 4, 10)).toBe(8);
        expect(await backend.dataKeys.reserve(orgA, 'dk_a1', 3, 10)).toBeUndefined();
        expect((await backend.dataKeys.find(orgA, 'dk_a1'))?.encryptions).toBe(8);
        expect(await backend.dataKeys.reserve(orgA, 'dk_a1', 2, 10)).toBe(10);
        expect(await backend.dataKeys.reserve(orgA, 'dk_a1', 1, 10)).toBeUndefined();
        expect((await backend.dataKeys.find(orgA, 'dk_a1'))?.encryptions).toBe(10);
      });

      it('concurrent reservations on several instances never add up past max', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        const totals = await Promise.all(Array.from({ length: 20 }, (_, i) => on(i).dataKeys.reserve(orgA, 'dk_a1', 3, 30)));
        const granted = totals.filter((total): total is number => total !== undefined).sort((x, y) => x - y);
        expect(granted).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
        expect((await backend.dataKeys.find(orgA, 'dk_a1'))?.encryptions).toBe(30);
      });

      it('reserves nothing under a retired key', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        expect(await backend.dataKeys.replace(orgA, 'dk_a1', dataKey(orgA, 'dk_a2'))).toBe(true);
        expect(await backend.dataKeys.reserve(orgA, 'dk_a1', 1, 10)).toBeUndefined();
        expect((await backend.dataKeys.find(orgA, 'dk_a1'))?.encryptions).toBe(0);
      });

      it('a tenant scope never sees another org’s keys, and a system scope only the org it names', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        await activate(dataKey(orgB, 'dk_b1'));
        for (const scope of [orgB, sysB]) {
          expect((await backend.dataKeys.active(scope))?.id).toBe('dk_b1');
          expect(await backend.dataKeys.find(scope, 'dk_a1')).toBeUndefined();
          expect(await backend.dataKeys.reserve(scope, 'dk_a1', 1, 10)).toBeUndefined();
          expect(await backend.dataKeys.replace(scope, 'dk_a1', dataKey(orgB, 'dk_b2'))).toBe(false);
        }
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toMatchObject({ state: 'active', encryptions: 0 });
        expect(await backend.dataKeys.find(orgB, 'dk_b2')).toBeUndefined();
        expect(await backend.dataKeys.retireActive(sysB)).toBe(true);
        expect((await backend.dataKeys.active(orgA))?.id).toBe('dk_a1');
      });

      it('a system scope does the org’s data-key work: reserve, replace, retire the active key', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        await activate(dataKey(orgB, 'dk_b1'));
        expect(await backend.dataKeys.reserve(sysA, 'dk_a1', 5, 10)).toBe(5);
        expect(await backend.dataKeys.replace(sysA, 'dk_a1', dataKey(orgA, 'dk_a2'))).toBe(true);
        expect(await backend.dataKeys.retireActive(sysA)).toBe(true);
        expect(await backend.dataKeys.retireActive(sysA)).toBe(false);
        expect(await backend.dataKeys.active(orgA)).toBeUndefined();
        expect(await backend.dataKeys.find(orgA, 'dk_a2')).toMatchObject({ state: 'retired' });
        expect((await backend.dataKeys.active(orgB))?.id).toBe('dk_b1');
      });

      it('lists the orgs that have an active key, by id', async () => {
        expect(await backend.dataKeys.orgsWithActive()).toEqual([]);
        await activate(dataKey(orgB, 'dk_b1'));
        await activate(dataKey(orgA, 'dk_a1'));
        await activate(dataKey(systemScope('org_c'), 'dk_c1'));
        expect(await backend.dataKeys.orgsWithActive()).toEqual(['org_a', 'org_b', 'org_c']);
        await backend.dataKeys.retireActive(sysB);
        expect(await backend.dataKeys.orgsWithActive()).toEqual(['org_a', 'org_c']);
      });

      it('rewrap: lists versions under retired keys, moves each by compare-and-set, then deletes only unused retired keys', async () => {
        await activate(dataKey(orgA, 'dk_a0'));
        expect(await backend.dataKeys.replace(orgA, 'dk_a0', dataKey(orgA, 'dk_a1'))).toBe(true);
        await put(orgA, 'x', 'dk_a1', NOW + 1);
        await put(orgA, 'x', 'dk_a1', NOW + 2);
        await activate(dataKey(orgB, 'dk_b1'));
        await put(orgB, 'y', 'dk_b1', NOW + 3);
        await activate(dataKey(systemScope('org_c'), 'dk_c1'));
        expect(await backend.dataKeys.staleVersions(10)).toEqual([]);

        expect(await backend.dataKeys.replace(orgA, 'dk_a1', dataKey(orgA, 'dk_a2'))).toBe(true);
        expect(await backend.dataKeys.retireActive(sysB)).toBe(true);
        const stale = await backend.dataKeys.staleVersions(10);
        expect(stale).toEqual([
          { orgId: 'org_a', name: 'x', version: 1, dataKeyId: 'dk_a1', ciphertext: 'ct:dk_a1:x:1', createdAt: NOW + 1 },
          { orgId: 'org_a', name: 'x', version: 2, dataKeyId: 'dk_a1', ciphertext: 'ct:dk_a1:x:2', createdAt: NOW + 2 },
          { orgId: 'org_b', name: 'y', version: 1, dataKeyId: 'dk_b1', ciphertext: 'ct:dk_b1:y:1', createdAt: NOW + 3 },
        ]);
        expect(await backend.dataKeys.staleVersions(2)).toEqual(stale.slice(0, 2));

        // Only dk_a0 is retired with no version on it: the active keys and the keys versions still need stay.
        expect(await backend.dataKeys.deleteUnused()).toBe(1);
        expect(await backend.dataKeys.find(orgA, 'dk_a0')).toBeUndefined();
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toBeDefined();

        const [x1, x2, y1] = [stale[0]!, stale[1]!, stale[2]!];
        expect(await backend.dataKeys.replaceVersion(x1, { dataKeyId: 'dk_a2', ciphertext: 'ct:dk_a2:x:1' })).toBe(true);
        expect(await on(1).dataKeys.replaceVersion(x1, { dataKeyId: 'dk_a2', ciphertext: 'ct:other' })).toBe(false);
        expect(await backend.secrets.findVersion(orgA, 'x', 1)).toMatchObject({ dataKeyId: 'dk_a2', ciphertext: 'ct:dk_a2:x:1' });
        expect(await backend.dataKeys.replaceVersion(x2, { dataKeyId: 'dk_a2', ciphertext: 'ct:dk_a2:x:2' })).toBe(true);
        await activate(dataKey(orgB, 'dk_b2'));
        expect(await backend.dataKeys.replaceVersion(y1, { dataKeyId: 'dk_b2', ciphertext: 'ct:dk_b2:y:1' })).toBe(true);
        expect(await backend.dataKeys.staleVersions(10)).toEqual([]);

        expect(await backend.dataKeys.deleteUnused()).toBe(2);
        expect(await backend.dataKeys.deleteUnused()).toBe(0);
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toBeUndefined();
        expect(await backend.dataKeys.find(orgB, 'dk_b1')).toBeUndefined();
        for (const [scope, id] of [
          [orgA, 'dk_a2'],
          [orgB, 'dk_b2'],
          [systemScope('org_c'), 'dk_c1'],
        ] as const) {
          expect(await backend.dataKeys.find(scope, id), id).toMatchObject({ state: 'active' });
        }
      });
    });

    describe('KekRegistry', () => {
      it('adds a KEK as the active one and the previous active one becomes retiring, in one step; oldest first', async () => {
        await backend.keks.addKek('kek_2', 'pkcs11', NOW + 1);
        expect(await backend.keks.keks()).toEqual([
          { id: 'kek_1', source: 'master-key', state: 'retiring', createdAt: NOW },
          { id: 'kek_2', source: 'pkcs11', state: 'active', createdAt: NOW + 1 },
        ]);
        await on(1).keks.addKek('kek_3', 'pkcs11', NOW + 2);
        expect((await backend.keks.keks()).map((kek) => [kek.id, kek.state])).toEqual([
          ['kek_1', 'retiring'],
          ['kek_2', 'retiring'],
          ['kek_3', 'active'],
        ]);
      });

      it('sees every org’s data keys: by KEK they are not under, and counted per KEK', async () => {
        const a1 = await activate(dataKey(orgA, 'dk_a1'));
        await backend.keks.addKek('kek_2', 'master-key', NOW + 1);
        await activate(dataKey(orgB, 'dk_b1', 'kek_2'));
        expect(await backend.dataKeys.replace(orgA, 'dk_a1', dataKey(orgA, 'dk_a2', 'kek_2'))).toBe(true);
        expect(await backend.keks.dataKeyCounts()).toEqual({ kek_1: 1, kek_2: 2 });
        expect(await backend.keks.dataKeysNotUnder('kek_2', 10)).toEqual([{ ...a1, state: 'retired' }]);
        expect((await backend.keks.dataKeysNotUnder('kek_1', 10)).map((key) => key.id)).toEqual(['dk_a2', 'dk_b1']);
        expect((await backend.keks.dataKeysNotUnder('kek_1', 1)).map((key) => key.id)).toEqual(['dk_a2']);
      });

      it('rewraps each data key still under its fromKekId, and skips one whose KEK changed', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        await activate(dataKey(orgB, 'dk_b1'));
        await backend.keks.addKek('kek_2', 'master-key', NOW + 1);
        expect(await backend.keks.rewrapDataKeys([])).toBe(0);
        expect(
          await backend.keks.rewrapDataKeys([
            { id: 'dk_a1', fromKekId: 'kek_1', toKekId: 'kek_2', wrapped: 'rewrapped:dk_a1' },
            { id: 'dk_b1', fromKekId: 'kek_2', toKekId: 'kek_2', wrapped: 'rewrapped:dk_b1' },
          ]),
        ).toBe(1);
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toMatchObject({ kekId: 'kek_2', wrapped: 'rewrapped:dk_a1' });
        expect(await backend.dataKeys.find(orgB, 'dk_b1')).toMatchObject({ kekId: 'kek_1', wrapped: 'wrapped:dk_b1' });
        // A second rotation that read dk_a1 under kek_1 finds it moved: its rewrap is skipped.
        expect(await backend.keks.rewrapDataKeys([{ id: 'dk_a1', fromKekId: 'kek_1', toKekId: 'kek_2', wrapped: 'stale' }])).toBe(0);
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toMatchObject({ kekId: 'kek_2', wrapped: 'rewrapped:dk_a1' });
      });

      it('of concurrent rewraps of one data key, on several instances, exactly one lands', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        await backend.keks.addKek('kek_2', 'master-key', NOW + 1);
        const done = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            on(i).keks.rewrapDataKeys([{ id: 'dk_a1', fromKekId: 'kek_1', toKekId: 'kek_2', wrapped: `rewrapped-${i}` }]),
          ),
        );
        expect(done.reduce((sum, n) => sum + n, 0)).toBe(1);
        expect(await backend.dataKeys.find(orgA, 'dk_a1')).toMatchObject({ kekId: 'kek_2', wrapped: `rewrapped-${done.indexOf(1)}` });
      });

      it('retires a KEK only when it is retiring and no data key, active or retired, refers to it', async () => {
        await activate(dataKey(orgA, 'dk_a1'));
        await backend.keks.addKek('kek_2', 'master-key', NOW + 1);
        expect(await backend.dataKeys.replace(orgA, 'dk_a1', dataKey(orgA, 'dk_a2', 'kek_2'))).toBe(true);
        expect(await backend.keks.retireKek('kek_1', NOW + 2)).toBe(false);
        expect(await backend.keks.retireKek('kek_2', NOW + 2)).toBe(false);
        expect(await backend.keks.retireKek('kek_missing', NOW + 2)).toBe(false);
        expect((await backend.keks.keks()).map((kek) => kek.state)).toEqual(['retiring', 'active']);
        expect(await backend.keks.rewrapDataKeys([{ id: 'dk_a1', fromKekId: 'kek_1', toKekId: 'kek_2', wrapped: 'w' }])).toBe(1);
        expect(await backend.keks.retireKek('kek_1', NOW + 3)).toBe(true);
        expect(await backend.keks.retireKek('kek_1', NOW + 4)).toBe(false);
        expect((await backend.keks.keks()).map((kek) => [kek.id, kek.state])).toEqual([
          ['kek_1', 'retired'],
          ['kek_2', 'active'],
        ]);
      });
    });
  });
}
