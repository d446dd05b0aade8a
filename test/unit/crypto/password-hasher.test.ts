import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/kernel/domain/errors.js';
import { secret } from '../../../src/kernel/domain/secret.js';
import { HasherBusyError } from '../../../src/identity/accounts/crypto/hasher-busy-error.js';
import {
  MAX_PASSWORD_BYTES,
  nodeRsBackend,
  PasswordHasher,
  type Argon2Parameters,
  type PasswordHashBackend,
} from '../../../src/identity/accounts/crypto/password-hasher.js';

// Cheap parameters wherever the test is not about the parameters: the machine is shared.
const CHEAP: Argon2Parameters = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = secret('correct horse battery staple');

/** The real primitives, with every call counted. */
function countingBackend(): PasswordHashBackend & { calls: Record<'argon2Hash' | 'argon2Verify' | 'bcryptVerify', string[]> } {
  const calls: Record<'argon2Hash' | 'argon2Verify' | 'bcryptVerify', string[]> = { argon2Hash: [], argon2Verify: [], bcryptVerify: [] };
  return {
    calls,
    argon2Hash: (password, p) => {
      calls.argon2Hash.push(`m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}`);
      return nodeRsBackend.argon2Hash(password, p);
    },
    argon2Verify: (phc, password) => {
      calls.argon2Verify.push(phc);
      return nodeRsBackend.argon2Verify(phc, password);
    },
    bcryptVerify: (password, hash) => {
      calls.bcryptVerify.push(hash);
      return nodeRsBackend.bcryptVerify(password, hash);
    },
    bcryptHash: (password, cost) => bcryptHash(Buffer.from(password), cost),
  };
}

/** A backend whose calls finish only when the test says so: queue tests without timing. */
function gatedBackend(): PasswordHashBackend & { release(): void } {
  const gates: (() => void)[] = [];
  const gate = <T>(value: T): Promise<T> => new Promise((resolve) => gates.push(() => resolve(value)));
  return {
    release: () => gates.splice(0).forEach((open) => open()),
    argon2Hash: () => gate('$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'),
    argon2Verify: () => gate(false),
    bcryptVerify: () => gate(false),
  };
}

describe('PasswordHasher: argon2id', () => {
  it('hashes at m=19456, t=2, p=1 by default, written in the PHC string, and verifies', async () => {
    const hasher = new PasswordHasher();
    const phc = await hasher.hash(PASSWORD);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(phc, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verify(phc, secret('correct horse battery stapler'))).toEqual({ ok: false, needsRehash: false });
  });

  it('asks for a rehash when the stored parameters differ from the current ones', async () => {
    const old = await new PasswordHasher({ parameters: CHEAP }).hash(PASSWORD);
    const current = new PasswordHasher({ parameters: { ...CHEAP, timeCost: 2 } });
    expect(await current.verify(old, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await current.verify(old, secret('wrong password here'))).toEqual({ ok: false, needsRehash: false });
  });

  it('hashes the NFC form: a composed and a decomposed "é" are the same password', async () => {
    const hasher = new PasswordHasher({ parameters: CHEAP });
    const phc = await hasher.hash(secret('caf\u00e9 au lait, s’il vous plaît'));
    expect((await hasher.verify(phc, secret('cafe\u0301 au lait, s’il vous plaît'))).ok).toBe(true);
  });

  it('refuses input past the byte cap without hashing it, and never names the password', async () => {
    const backend = countingBackend();
    const hasher = new PasswordHasher({ parameters: CHEAP, backend });
    const huge = 'x'.repeat(MAX_PASSWORD_BYTES + 1);
    const error = await hasher.hash(secret(huge)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('validation_failed');
    expect((error as DomainError).detail).toBe('password: too_long');
    expect((error as DomainError).message).not.toContain('xxxx');
    const phc = await hasher.hash(PASSWORD);
    expect(await hasher.verify(phc, secret(huge))).toEqual({ ok: false, needsRehash: false });
    // Multi-byte: 342 × "€" is 1026 UTF-8 bytes although only 342 characters.
    expect(await hasher.verify(phc, secret('€'.repeat(342)))).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.dummyVerify(secret(huge))).toBe(false);
    expect(backend.calls.argon2Hash).toHaveLength(1);
    expect(backend.calls.argon2Verify).toHaveLength(0);
  });

  it('refuses a stored hash of an unknown format without echoing it', async () => {
    const hasher = new PasswordHasher({ parameters: CHEAP });
    for (const stored of ['', 'plaintext-password', '$1$md5$abc', '$2y$04$' + 'a'.repeat(53)]) {
      const error = await hasher.verify(stored, PASSWORD).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      if (stored !== '') expect((error as Error).message).not.toContain(stored);
    }
  });

  it('refuses a stored hash whose cost would pin a thread for minutes', async () => {
    const hasher = new PasswordHasher({ parameters: CHEAP });
    const greedy = '$argon2id$v=19$m=4194304,t=1000,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    await expect(hasher.verify(greedy, PASSWORD)).rejects.toThrow(/cost ceiling/);
  });
});

describe('PasswordHasher: bcrypt imports', () => {
  it('verifies $2b$ and $2a$ hashes and always asks for the upgrade to argon2id', async () => {
    const backend = countingBackend();
    const hasher = new PasswordHasher({ parameters: CHEAP, backend });
    const b = await bcryptHash(PASSWORD.reveal(), 4);
    expect(b.startsWith('$2b$04$')).toBe(true);
    // $2a$ and $2b$ differ only for inputs of 256+ bytes (the length wrap of OpenBSD's bug), so the
    // same digest under the $2a$ prefix is a valid $2a$ hash of this password.
    const a = `$2a$${b.slice(4)}`;
    expect(await hasher.verify(b, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(a, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(a, secret('not the password'))).toEqual({ ok: false, needsRehash: false });
    expect(backend.calls.bcryptVerify).toEqual([b, a, a]);
    expect(backend.calls.argon2Verify).toEqual([]);
  });
});

describe('PasswordHasher: unknown accounts', () => {
  it('dummyVerify answers false after one real argon2id verification at the current parameters', async () => {
    const backend = countingBackend();
    const hasher = new PasswordHasher({ parameters: CHEAP, backend });
    expect(await hasher.dummyVerify(PASSWORD)).toBe(false);
    expect(await hasher.dummyVerify(secret(''))).toBe(false);
    expect(backend.calls.argon2Verify).toHaveLength(2);
    for (const phc of backend.calls.argon2Verify) expect(phc).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    // The same cost as a known account's wrong password: one argon2 verification, nothing else.
    const phc = await hasher.hash(PASSWORD);
    await hasher.verify(phc, secret('wrong password here'));
    expect(backend.calls.argon2Verify).toHaveLength(3);
  });
});

describe('PasswordHasher: bounded semaphore and queue', () => {
  it('refuses the (maxConcurrent + maxQueued + 1)-th call at once with a Retry-After estimate', async () => {
    const backend = gatedBackend();
    const hasher = new PasswordHasher({ maxConcurrent: 2, maxQueued: 3, threadPoolSize: 4, backend });
    const accepted = [hasher.hash(PASSWORD), hasher.verify(`$2b$04$${'a'.repeat(53)}`, PASSWORD), hasher.dummyVerify(PASSWORD)];
    accepted.push(hasher.hash(PASSWORD), hasher.hash(PASSWORD));
    expect(hasher.load).toEqual({ running: 2, queued: 3 });
    // Nothing has finished (every gate is shut), yet the sixth call is already refused.
    const refused = await hasher.hash(PASSWORD).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(HasherBusyError);
    expect((refused as HasherBusyError).code).toBe('rate_limited');
    expect(Number.isInteger((refused as HasherBusyError).retryAfterSeconds)).toBe(true);
    expect((refused as HasherBusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Each release lets the running ones finish and the waiting ones start; then the queue drains.
    for (let round = 0; round < 3; round += 1) {
      backend.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(accepted);
    expect(hasher.load).toEqual({ running: 0, queued: 0 });
    const again = hasher.dummyVerify(PASSWORD);
    backend.release();
    expect(await again).toBe(false);
  });

  it('keeps at least one libuv thread free for file and DNS work', () => {
    expect(() => new PasswordHasher({ maxConcurrent: 4, threadPoolSize: 4 })).toThrow(/below the libuv pool size/);
    expect(() => new PasswordHasher({ threadPoolSize: 1 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ threadPoolSize: Number.NaN })).toThrow(RangeError);
    expect(new PasswordHasher({ threadPoolSize: 2 })).toBeInstanceOf(PasswordHasher);
  });

  it('refuses parameters argon2 cannot run or that make no sense', () => {
    expect(() => new PasswordHasher({ parameters: { ...CHEAP, timeCost: 0 } })).toThrow(RangeError);
    expect(() => new PasswordHasher({ parameters: { ...CHEAP, memoryCost: Number.NaN } })).toThrow(RangeError);
    expect(() => new PasswordHasher({ parameters: { memoryCost: 8, timeCost: 1, parallelism: 2 } })).toThrow(RangeError);
    expect(() => new PasswordHasher({ maxQueued: -1 })).toThrow(RangeError);
  });

  it('while saturated, leaves the event loop and the file system free', async () => {
    // Real argon2id, heavier than default so that "far below one hash" is a wide margin.
    const hasher = new PasswordHasher({
      parameters: { memoryCost: 19_456, timeCost: 6, parallelism: 1 },
      maxConcurrent: 1,
      maxQueued: 4,
      threadPoolSize: 4,
    });
    const started = performance.now();
    await hasher.hash(PASSWORD);
    const oneHashMs = performance.now() - started;

    // The monitor samples on its own timer: it must be ticking before the load starts and tick once
    // more after it ends, or a loop blocked the whole time would record nothing at all.
    const delay = monitorEventLoopDelay({ resolution: 2 });
    delay.enable();
    await new Promise((resolve) => setTimeout(resolve, 20));
    let finished = 0;
    const saturating = Array.from({ length: 5 }, () => hasher.hash(PASSWORD).then(() => (finished += 1)));
    const refused = await hasher.hash(PASSWORD).catch((caught: unknown) => caught);
    const finishedWhenRefused = finished;
    await readFile(new URL(import.meta.url));
    const finishedWhenFileRead = finished;
    await Promise.all(saturating);
    await new Promise((resolve) => setTimeout(resolve, 20));
    delay.disable();

    expect(refused).toBeInstanceOf(HasherBusyError);
    expect(finishedWhenRefused).toBe(0);
    expect(finishedWhenFileRead).toBeLessThan(5);
    expect(delay.count).toBeGreaterThan(10);
    const p99Ms = delay.percentile(99) / 1e6;
    expect(p99Ms).toBeLessThan(oneHashMs * 0.5);
  });
});

describe('PasswordHasher: the bcrypt policy (issue 22 item 5)', () => {
  it('promises 5: hashes $2b$ at the policy cost, and flags argon2id hashes and other costs for a rehash', async () => {
    const backend = countingBackend();
    const hasher = new PasswordHasher({ policy: { scheme: 'bcrypt', cost: 4 }, backend });
    const hash = await hasher.hash(PASSWORD);
    expect(hash).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(await hasher.verify(hash, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verify(`$2a$${hash.slice(4)}`, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(await bcryptHash(PASSWORD.reveal(), 5), PASSWORD)).toEqual({ ok: true, needsRehash: true });
    const argon2 = await new PasswordHasher({ parameters: CHEAP }).hash(PASSWORD);
    expect(await hasher.verify(argon2, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(argon2, secret('not the password'))).toEqual({ ok: false, needsRehash: false });
  });

  it('promises 5: an unknown account costs one bcrypt verification at the policy cost', async () => {
    const backend = countingBackend();
    const hasher = new PasswordHasher({ policy: { scheme: 'bcrypt', cost: 4 }, backend });
    expect(await hasher.dummyVerify(PASSWORD)).toBe(false);
    expect(backend.calls.bcryptVerify).toHaveLength(1);
    expect(backend.calls.bcryptVerify[0]).toMatch(/^\$2b\$04\$/);
    expect(backend.calls.argon2Verify).toEqual([]);
  });

  it('promises 5: a bcrypt cost outside 4–16 is refused at construction', () => {
    expect(() => new PasswordHasher({ policy: { scheme: 'bcrypt', cost: 3 } })).toThrow(RangeError);
    expect(() => new PasswordHasher({ policy: { scheme: 'bcrypt', cost: 17 } })).toThrow(RangeError);
  });
});
