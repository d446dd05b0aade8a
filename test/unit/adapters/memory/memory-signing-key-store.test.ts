import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySigningKeyStore } from '../../../../src/identity/tokens/adapters/memory-signing-key-store.js';
import { Keyring } from '../../../../src/identity/tokens/crypto/keyring.js';
import { DomainError } from '../../../../src/kernel/domain/errors.js';
import type { SigningKeyRecord } from '../../../../src/identity/tokens/domain/signing-key.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error: unknown = await promise.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw error;
  return error;
}

describe('MemorySigningKeyStore', () => {
  const clock = new FakeClock();
  let first: SigningKeyRecord;
  let second: SigningKeyRecord;
  beforeAll(async () => {
    const keyring = new Keyring({ clock });
    first = (await keyring.rotate()).added;
    clock.advance(1000);
    second = (await keyring.rotate()).added;
  });

  it('saves and lists keys oldest first, key material as saved', async () => {
    const store = new MemorySigningKeyStore();
    await store.save(second);
    await store.save(first);
    const listed = await store.list();
    expect(listed.map((r) => r.kid)).toEqual([first.kid, second.kid]);
    expect(listed[0]?.private_jwk.reveal()).toEqual(first.private_jwk.reveal());
    expect(listed[0]?.public_jwk).toEqual(first.public_jwk);
  });

  it('refuses a kid that exists (conflict) and keeps the stored key', async () => {
    const store = new MemorySigningKeyStore();
    await store.save(first);
    expect((await rejection(store.save({ ...second, kid: first.kid }))).code).toBe('conflict');
    expect((await store.list())[0]?.public_jwk).toEqual(first.public_jwk);
  });

  it('moves state forward only; repeating a state is a no-op; an unknown kid is not_found', async () => {
    const store = new MemorySigningKeyStore();
    await store.save(first);
    await store.update(first.kid, { state: 'retiring', retire_after: 5 });
    await store.update(first.kid, { state: 'retiring', retire_after: 5 });
    expect((await rejection(store.update(first.kid, { state: 'active', retire_after: null }))).code).toBe('conflict');
    await store.update(first.kid, { state: 'retired', retire_after: 5 });
    expect((await store.list())[0]).toMatchObject({ state: 'retired', retire_after: 5 });
    expect((await rejection(store.update('nope', { state: 'retired', retire_after: 1 }))).code).toBe('not_found');
  });

  it('round-trips a keyring: what a rotation returns is what a restart loads', async () => {
    const store = new MemorySigningKeyStore();
    const keyring = new Keyring({ clock });
    const r1 = await keyring.rotate();
    await store.save(r1.added);
    const r2 = await keyring.rotate();
    await store.save(r2.added);
    for (const record of r2.retiring) await store.update(record.kid, record);
    const reloaded = await Keyring.fromRecords(await store.list(), { clock });
    expect(reloaded.jwks()).toEqual(keyring.jwks());
    expect(reloaded.signingKey().kid).toBe(r2.added.kid);
  });
});
