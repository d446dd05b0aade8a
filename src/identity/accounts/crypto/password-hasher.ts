/**
 * Password hashing under a policy (issue 22 item 5, `RAMPART_PASSWORD_HASH`): argon2id (RFC 9106)
 * by default, at the OWASP parameters m=19456 KiB, t=2, p=1, or bcrypt at a cost (12 by default)
 * for a deployment that has promised bcrypt. The parameters are written into each hash (the PHC
 * string, bcrypt's `$2b$NN$`), so a hash made under another policy — the other scheme, or other
 * parameters — verifies and is flagged at login for a rehash under the current one, either way.
 *
 * Why a queue: @node-rs/argon2 and @node-rs/bcrypt compute on the libuv thread pool, off the event
 * loop, but that pool also serves file and DNS work and has only UV_THREADPOOL_SIZE (default 4)
 * threads. So at most `maxConcurrent` hashes run — always fewer than the pool's threads — and at
 * most `maxQueued` wait; the next one is refused at once with `HasherBusyError`, which login turns
 * into 429 with Retry-After. With `maxWaitMs` (RAMPART_LOGIN_MAX_WAIT_MS) a hash is also refused
 * when the line ahead of it is estimated to take longer than that, and one still queued when it
 * has waited that long is refused then, so a hash that runs never waited longer than the bound.
 * Nothing else on the server waits behind hashes. Admission is fair (`fair-hash-queue.ts`,
 * docs/decisions/011-login-throttling.md): a hash may carry a {@link HashTicket} naming its
 * source and lane, so one source holds a bounded share, trusted sign-ins have reserved places,
 * and the dummy hash of an unknown account only takes spare room.
 *
 * Every password is NFC-normalised before hashing or verifying (see `identity/accounts/domain/password-policy.ts`),
 * and input past {@link MAX_PASSWORD_BYTES} is never hashed.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { validationFailed } from '../../../kernel/domain/errors.js';
import { normalisePassword } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { FairHashQueue, WorkExpiredError, type HashTicket } from './fair-hash-queue.js';
import { HasherBusyError } from './hasher-busy-error.js';

/** argon2id cost parameters, as in the PHC string (`m=`, `t=`, `p=`). */
export interface Argon2Parameters {
  /** Memory in KiB. */
  readonly memoryCost: number;
  /** Passes over memory. */
  readonly timeCost: number;
  /** Lanes. */
  readonly parallelism: number;
}

/** OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 passes, 1 lane. */
export const OWASP_ARGON2ID: Argon2Parameters = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

/**
 * What new hashes are made with, and what a stored hash is rehashed to at login: argon2id at
 * `parameters`, or bcrypt at `cost` (its 72-byte input limit is bcrypt's own; the policy's
 * 128-code-point passwords fit it only in ASCII, which is why argon2id stays the default).
 */
export type PasswordHashPolicy =
  { readonly scheme: 'argon2id'; readonly parameters: Argon2Parameters } | { readonly scheme: 'bcrypt'; readonly cost: number };

/** The default policy: argon2id at {@link OWASP_ARGON2ID}. */
export const DEFAULT_PASSWORD_HASH_POLICY: PasswordHashPolicy = Object.freeze({ scheme: 'argon2id', parameters: OWASP_ARGON2ID });

/** A one-line description of a policy, for `doctor` and logs (`argon2id m=19456,t=2,p=1`, `bcrypt cost 12`). */
export function describePasswordHashPolicy(policy: PasswordHashPolicy): string {
  if (policy.scheme === 'bcrypt') return `bcrypt cost ${policy.cost}`;
  const p = policy.parameters;
  return `argon2id m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}`;
}

/** The longest input the hasher accepts, in UTF-8 bytes of the NFC form (the policy stops at 128 code points). */
export const MAX_PASSWORD_BYTES = 1024;

// @node-rs/argon2 declares Algorithm and Version as ambient const enums, which isolatedModules
// cannot read: these are their values for argon2id and version 0x13 (RFC 9106 §3.1).
const ARGON2ID = 2;
const VERSION_0X13 = 1;
const OUTPUT_LEN = 32;
const SALT_LEN = 16;
// A stored hash can name any cost; these ceilings stop one row from pinning a thread for minutes.
const CEILING = Object.freeze({ memoryCost: 262_144, timeCost: 16, parallelism: 16, bcryptCost: 16 });
const BCRYPT = /^\$2[ab]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** The primitives the hasher calls; injectable so tests can count or pace calls. */
export interface PasswordHashBackend {
  argon2Hash(password: Uint8Array, parameters: Argon2Parameters): Promise<string>;
  argon2Verify(phc: string, password: Uint8Array): Promise<boolean>;
  bcryptVerify(password: Uint8Array, hash: string): Promise<boolean>;
  /** A `$2b$` hash at `cost`; optional so that backends written before the bcrypt policy still fit. */
  bcryptHash?(password: Uint8Array, cost: number): Promise<string>;
}

/** The real primitives: @node-rs/argon2 and @node-rs/bcrypt, asynchronous on the libuv pool. */
export const nodeRsBackend: PasswordHashBackend = Object.freeze({
  argon2Hash: (password: Uint8Array, p: Argon2Parameters) =>
    argon2Hash(password, { algorithm: ARGON2ID, version: VERSION_0X13, outputLen: OUTPUT_LEN, ...p }),
  argon2Verify: (phc: string, password: Uint8Array) => argon2Verify(phc, password),
  bcryptVerify: (password: Uint8Array, hash: string) => bcryptVerify(password, hash),
  bcryptHash: (password: Uint8Array, cost: number) => bcryptHash(Buffer.from(password), cost),
});

/** Construction options; every one has a secure default. */
export interface PasswordHasherOptions {
  /** argon2id parameters for new hashes; {@link OWASP_ARGON2ID} by default (lower them only in tests). */
  readonly parameters?: Argon2Parameters;
  /** The hash policy; argon2id at `parameters` by default. Takes precedence over `parameters`. */
  readonly policy?: PasswordHashPolicy;
  /** Hashes running at once; by default the CPU count, capped below the libuv pool size. */
  readonly maxConcurrent?: number;
  /** Hashes waiting for a slot before new ones are refused; 64 by default. */
  readonly maxQueued?: number;
  /** Waiting places kept for trusted sign-ins; a quarter of `maxQueued` by default. */
  readonly reserved?: number;
  /** Hashes one source may have running and waiting; `maxQueued / 16` (at least 1) by default. */
  readonly perSource?: number;
  /** Refuse a hash whose estimated wait and run pass this many ms; 0 (the default): no bound in time. */
  readonly maxWaitMs?: number;
  /** The libuv pool size; by default UV_THREADPOOL_SIZE or libuv's 4. */
  readonly threadPoolSize?: number;
  readonly backend?: PasswordHashBackend;
  /** A monotonic clock in ms for the Retry-After estimate; `performance.now` by default. */
  readonly now?: () => number;
}

export type { HashLane, HashTicket } from './fair-hash-queue.js';

/** The outcome of a verification; `needsRehash` is only ever true when `ok` is. */
export interface PasswordVerification {
  readonly ok: boolean;
  /** The hash was made under another policy (other scheme or parameters): store `hash(password)` now. */
  readonly needsRehash: boolean;
}

const REFUSED: PasswordVerification = Object.freeze({ ok: false, needsRehash: false });

/** Password hashing and verification under a policy, behind a bounded semaphore and a bounded queue. */
export class PasswordHasher {
  /** The argon2id parameters of the policy (the OWASP ones under a bcrypt policy, for the record). */
  readonly parameters: Argon2Parameters;
  readonly policy: PasswordHashPolicy;
  /** The bound in time of a hash's wait and run, in ms; 0: none. */
  readonly maxWaitMs: number;
  readonly #queue: FairHashQueue;
  readonly #backend: PasswordHashBackend;
  readonly #dummyHash: string;

  constructor(options: PasswordHasherOptions = {}) {
    this.policy = checkPolicy(options.policy ?? { scheme: 'argon2id', parameters: options.parameters ?? OWASP_ARGON2ID });
    this.parameters = this.policy.scheme === 'argon2id' ? this.policy.parameters : OWASP_ARGON2ID;
    const poolSize = options.threadPoolSize ?? libuvPoolSize();
    if (!Number.isSafeInteger(poolSize) || poolSize < 1) throw new RangeError(`threadPoolSize must be an integer ≥ 1, got ${poolSize}`);
    const maxConcurrent = options.maxConcurrent ?? Math.max(1, Math.min(availableParallelism(), poolSize - 1));
    if (maxConcurrent >= poolSize) {
      throw new RangeError(
        `maxConcurrent (${maxConcurrent}) must be below the libuv pool size (${poolSize}, UV_THREADPOOL_SIZE) so that file and DNS work never waits behind hashes`,
      );
    }
    const { maxWaitMs, now, reserved, perSource } = options;
    this.#queue = new FairHashQueue({ maxConcurrent, maxQueued: options.maxQueued ?? 64, maxWaitMs, now, reserved, perSource });
    this.maxWaitMs = this.#queue.maxWaitMs;
    this.#backend = options.backend ?? nodeRsBackend;
    this.#dummyHash = this.policy.scheme === 'bcrypt' ? dummyBcrypt(this.policy.cost) : dummyPhc(this.parameters);
    Object.freeze(this);
  }

  /** Hashes running and waiting now (for metrics and tests). */
  get load(): { readonly running: number; readonly queued: number } {
    return { running: this.#queue.running, queued: this.#queue.queued };
  }

  /**
   * A new hash of the NFC form of `password` under the policy (an argon2id PHC string or a `$2b$`
   * bcrypt hash). Rejects with `HasherBusyError` when
   * the queue is full, and with `validation_failed` (`password: too_long`) past {@link MAX_PASSWORD_BYTES}.
   */
  async hash(password: Secret<string>, ticket?: HashTicket): Promise<string> {
    const nfc = boundedNfc(password);
    if (nfc === undefined) throw validationFailed([{ field: 'password', reason: 'too_long' }]);
    const policy = this.policy;
    if (policy.scheme === 'argon2id') return this.#run(nfc, ticket, (bytes) => this.#backend.argon2Hash(bytes, policy.parameters));
    const bcrypt = this.#backend.bcryptHash;
    if (bcrypt === undefined) throw new TypeError('the password hash backend cannot make bcrypt hashes');
    return this.#run(nfc, ticket, (bytes) => bcrypt(bytes, policy.cost));
  }

  /**
   * Checks `password` against a stored argon2 PHC string or bcrypt hash. Input past
   * {@link MAX_PASSWORD_BYTES} is refused without hashing. Rejects with `HasherBusyError` when the
   * queue is full, and with a `TypeError` (naming no value) for a stored hash of another format.
   */
  async verify(storedHash: string, password: Secret<string>, ticket?: HashTicket): Promise<PasswordVerification> {
    const scheme = schemeOf(storedHash);
    const nfc = boundedNfc(password);
    if (nfc === undefined) return REFUSED;
    const ok = await this.#run(nfc, ticket, (bytes) =>
      scheme === 'bcrypt' ? this.#backend.bcryptVerify(bytes, storedHash) : this.#backend.argon2Verify(storedHash, bytes),
    );
    if (!ok) return REFUSED;
    return { ok: true, needsRehash: !this.#isCurrent(storedHash) };
  }

  /**
   * For an unknown account: one real verification under the current policy against a
   * hash that matches no password, through the same queue, so the caller's answer costs the same
   * time as a wrong password's. Always `false`; the caller answers exactly as for a wrong password.
   * It runs in the `dummy` lane (spare room only) from `source` when one is given.
   */
  async dummyVerify(password: Secret<string>, source?: string): Promise<false> {
    const nfc = boundedNfc(password);
    if (nfc === undefined) return false;
    const ticket: HashTicket | undefined = source === undefined ? undefined : { source, lane: 'dummy' };
    const dummy = this.#dummyHash;
    await this.#run(nfc, ticket, (bytes) =>
      this.policy.scheme === 'bcrypt' ? this.#backend.bcryptVerify(bytes, dummy) : this.#backend.argon2Verify(dummy, bytes),
    );
    return false;
  }

  #run<T>(nfc: string, ticket: HashTicket | undefined, work: (bytes: Buffer) => Promise<T>): Promise<T> {
    const lane = ticket?.lane;
    const pending = this.#queue.submit(ticket, async () => {
      const bytes = Buffer.from(nfc, 'utf8');
      try {
        return await work(bytes);
      } finally {
        bytes.fill(0);
      }
    });
    if (pending === undefined) throw new HasherBusyError(this.#queue.estimatedWaitMs(lane) / 1000);
    // Queued, then dropped at its turn for having waited past maxWaitMs: the same refusal, later.
    return pending.catch((error: unknown) => {
      throw error instanceof WorkExpiredError ? new HasherBusyError(this.#queue.estimatedWaitMs(lane) / 1000) : error;
    });
  }

  /** Whether `stored` was made under the current policy: same scheme, same parameters. */
  #isCurrent(stored: string): boolean {
    const policy = this.policy;
    const bcrypt = BCRYPT.exec(stored);
    // `$2a$` is rehashed to `$2b$` too: the variant the policy writes (and 2a's wraparound bug's fix).
    if (policy.scheme === 'bcrypt') return bcrypt !== null && stored.startsWith('$2b$') && Number(bcrypt[1]) === policy.cost;
    if (bcrypt !== null) return false;
    const found = parseOptions(stored);
    const want = policy.parameters;
    return (
      found.algorithm === ARGON2ID &&
      found.version === VERSION_0X13 &&
      found.memoryCost === want.memoryCost &&
      found.timeCost === want.timeCost &&
      found.parallelism === want.parallelism &&
      found.outputLen === OUTPUT_LEN
    );
  }
}

/** The NFC form, or `undefined` when it is longer than the hasher accepts. */
function boundedNfc(password: Secret<string>): string | undefined {
  const raw = password.reveal();
  // Refused before normalising when already past the cap in UTF-16 units: normalising costs time
  // linear in the input, and no password the policy accepts (≤ 128 code points) comes near it.
  if (raw.length > MAX_PASSWORD_BYTES) return undefined;
  const nfc = normalisePassword(password).reveal();
  return Buffer.byteLength(nfc, 'utf8') > MAX_PASSWORD_BYTES ? undefined : nfc;
}

function schemeOf(stored: string): 'argon2' | 'bcrypt' {
  const bcrypt = BCRYPT.exec(stored);
  if (bcrypt !== null) {
    if (Number(bcrypt[1]) > CEILING.bcryptCost) throw new TypeError('stored bcrypt hash exceeds the cost ceiling');
    return 'bcrypt';
  }
  if (/^\$argon2(id|i|d)\$/.test(stored)) {
    const p = parseOptions(stored);
    if (p.memoryCost > CEILING.memoryCost || p.timeCost > CEILING.timeCost || p.parallelism > CEILING.parallelism) {
      throw new TypeError('stored argon2 hash exceeds the cost ceiling');
    }
    return 'argon2';
  }
  throw new TypeError('unsupported password hash format');
}

function checkParameters(p: Argon2Parameters): Argon2Parameters {
  const integer = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new RangeError(`argon2 ${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
  };
  integer('parallelism', p.parallelism, 1, CEILING.parallelism);
  // RFC 9106 §3.1: memory is at least 8 KiB per lane.
  integer('memoryCost', p.memoryCost, 8 * p.parallelism, CEILING.memoryCost);
  integer('timeCost', p.timeCost, 1, CEILING.timeCost);
  return Object.freeze({ memoryCost: p.memoryCost, timeCost: p.timeCost, parallelism: p.parallelism });
}

function checkPolicy(policy: PasswordHashPolicy): PasswordHashPolicy {
  if (policy.scheme === 'argon2id') return Object.freeze({ scheme: 'argon2id', parameters: checkParameters(policy.parameters) });
  const cost = policy.cost;
  if (!Number.isSafeInteger(cost) || cost < 4 || cost > CEILING.bcryptCost) {
    throw new RangeError(`bcrypt cost must be an integer from 4 to ${CEILING.bcryptCost}, got ${String(cost)}`);
  }
  return Object.freeze({ scheme: 'bcrypt', cost });
}

function libuvPoolSize(): number {
  const configured = Number(process.env.UV_THREADPOOL_SIZE);
  // libuv reads the variable as an integer and clamps it to 1–1024; anything else means 4.
  return Number.isInteger(configured) && configured > 0 ? Math.min(configured, 1024) : 4;
}

/** A PHC string at the given parameters whose salt and digest are random: it matches no password. */
function dummyPhc(p: Argon2Parameters): string {
  const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}$${b64(randomBytes(SALT_LEN))}$${b64(randomBytes(OUTPUT_LEN))}`;
}

/** A bcrypt hash at `cost` whose salt and digest are random: it matches no password (bcrypt's radix-64 alphabet). */
function dummyBcrypt(cost: number): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const chars = [...randomBytes(53)].map((byte) => alphabet[byte % 64] ?? '.');
  // The salt's 22nd character carries 2 bits and the digest's 31st 4 bits: a non-canonical one makes
  // the verifier refuse at once, without the cost — the timing leak the dummy exists to close.
  chars[21] = '.';
  chars[52] = alphabet[((randomBytes(1)[0] ?? 0) % 16) * 4] ?? '.';
  return `$2b$${String(cost).padStart(2, '0')}$${chars.join('')}`;
}

/**
 * Why `stored` cannot be verified by {@link PasswordHasher.verify} (unsupported format, or a cost
 * past the ceiling), or `undefined`: `rampart user import` checks each hash with it, never rehashing.
 */
export function storedHashProblem(stored: string): string | undefined {
  try {
    schemeOf(stored);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'unsupported password hash format';
  }
}
