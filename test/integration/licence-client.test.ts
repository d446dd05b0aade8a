/**
 * The client module (issue 16 item 5; `rampart/licence-client`) against a real server on a real
 * socket, with one fake clock for both: a typo in the key is caught with no network call; the
 * token is verified offline against the pinned keys (another key set refuses it, a tampered
 * stored token is not usable); an unreachable server costs nothing until the grace period ends,
 * and then the product stops; a revocation is seen at the next refresh and clears the token;
 * deactivation frees the seat.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicenceClient, LicenceClientError, type LicenceTokenStore, type PinnedKeys } from '../../src/licences/client/index.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ISSUER = ADMIN_ENV.RAMPART_PUBLIC_URL!;

class MemoryTokenStore implements LicenceTokenStore {
  token: string | undefined;
  load(): Promise<string | undefined> {
    return Promise.resolve(this.token);
  }
  save(token: string | undefined): Promise<void> {
    this.token = token;
    return Promise.resolve();
  }
}

const [sqlite] = await backends();

describe('licence client module against a real server', () => {
  let store: BackendInstance;
  let server: TestServer;
  let clock: FakeClock;
  let url: string;
  let org: OrgBody;
  let owner: OrgUser;
  let keys: PinnedKeys;
  let calls = 0;
  let offline = false;
  const countingFetch: typeof fetch = (input, init) => {
    calls += 1;
    if (offline) return Promise.reject(new TypeError('fetch failed'));
    return fetch(input, init);
  };

  const issue = async (max = 1): Promise<{ id: string; licence_key: string }> => {
    const response = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/licences`, {
      product: 'compiler',
      max_activations: max,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const client = (tokens: LicenceTokenStore, installationId = 'inst-1', pinned = keys) =>
    new LicenceClient({
      serverUrl: url,
      issuer: ISSUER,
      installationId,
      keys: pinned,
      store: tokens,
      now: () => clock.now(),
      fetch: countingFetch,
    });

  beforeAll(async () => {
    store = await sqlite!.create();
    clock = new FakeClock(Date.now());
    server = await testServer(store, { env: ADMIN_ENV, clock });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    const admin = await login(server.app);
    ({ org, owner } = await orgWithOwner(server.app, admin));
    await issue(); // The first signature makes the `licences` key, so the pinned set below holds it.
    keys = await server.rampart.facade('signing').jwks();
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('licences 5: a mistyped key is refused before any network call', async () => {
    const { licence_key: key } = await issue();
    const before = calls;
    const typo = `${key.slice(0, 10)}${key[10] === 'A' ? 'B' : 'A'}${key.slice(11)}`;
    await expect(client(new MemoryTokenStore()).activate(typo)).rejects.toMatchObject({ code: 'checksum' });
    await expect(client(new MemoryTokenStore()).activate('RLK1-nonsense')).rejects.toBeInstanceOf(LicenceClientError);
    expect(calls).toBe(before);
  });

  it('licences 5: activation stores a token that verifies offline with the pinned keys, and not with others', async () => {
    const { licence_key: key } = await issue(2);
    const tokens = new MemoryTokenStore();
    const state = await client(tokens).activate(key);
    expect(state).toMatchObject({ usable: true, reason: 'ok' });
    expect(tokens.token).toBeDefined();
    const before = calls;
    expect(await client(tokens).state()).toMatchObject({ usable: true });
    expect(calls).toBe(before);

    const stranger = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const kid = (keys.keys[0] as { kid: string }).kid;
    const wrongKeys: PinnedKeys = { keys: keys.keys.map((k) => ({ ...k, x: stranger.x, kid: (k as { kid: string }).kid })) };
    expect(await client(tokens, 'inst-1', wrongKeys).state()).toMatchObject({ usable: false, reason: 'invalid_token' });
    await expect(client(new MemoryTokenStore(), 'inst-2', wrongKeys).activate(key)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(kid).toBeTruthy();

    const [h, p, s] = tokens.token!.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    tokens.token = `${h}.${Buffer.from(JSON.stringify({ ...claims, grace_until: 9_999_999_999 })).toString('base64url')}.${s}`;
    expect(await client(tokens).state()).toMatchObject({ usable: false, reason: 'invalid_token' });
    expect(await client(tokens, 'another-installation').state()).toMatchObject({ usable: false });
  });

  it('licences 5: offline, the product keeps working until the grace period ends, then stops', async () => {
    const { licence_key: key } = await issue();
    const tokens = new MemoryTokenStore();
    const product = client(tokens, 'inst-offline');
    const activated = await product.activate(key);
    const graceUntil = activated.claims!.grace_until * 1000;
    offline = true;
    try {
      clock.advance(activated.claims!.exp * 1000 - clock.now() + 1000);
      expect(await product.refresh()).toMatchObject({ usable: true });
      clock.advance(graceUntil - clock.now() - 1000);
      expect(await product.state()).toMatchObject({ usable: true });
      clock.advance(2000);
      expect(await product.refresh()).toMatchObject({ usable: false, reason: 'grace_over' });
    } finally {
      offline = false;
    }
  });

  it('licences 5: a revocation is seen at the next refresh and clears the stored token', async () => {
    const admin = await login(server.app);
    ({ org, owner } = await orgWithOwner(server.app, admin));
    const { id, licence_key: key } = await issue();
    const tokens = new MemoryTokenStore();
    const product = client(tokens, 'inst-revoked');
    await product.activate(key);
    expect(await product.refresh()).toMatchObject({ usable: true });
    const revoked = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/licences/${id}/revoke`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(await product.refresh()).toMatchObject({ usable: false, reason: 'revoked' });
    expect(tokens.token).toBeUndefined();
    expect(await product.state()).toMatchObject({ usable: false, reason: 'revoked' });
  });

  it('licences 5: deactivation frees the seat for another installation', async () => {
    const { licence_key: key } = await issue(1);
    const first = client(new MemoryTokenStore(), 'inst-first');
    await first.activate(key);
    await expect(client(new MemoryTokenStore(), 'inst-second').activate(key)).rejects.toMatchObject({ code: 'conflict', status: 409 });
    await first.deactivate();
    expect(await first.state()).toMatchObject({ usable: false, reason: 'no_token' });
    expect(await client(new MemoryTokenStore(), 'inst-second').activate(key)).toMatchObject({ usable: true });
  });
});
