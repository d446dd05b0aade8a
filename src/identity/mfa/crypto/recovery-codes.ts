/**
 * MFA recovery codes: ten single-use codes shown once, like `7k2m-x9qd-4hnp`. Each is 12 symbols
 * of Crockford's base32 alphabet (no i, l, o, u), 60 random bits drawn by rejection sampling from
 * crypto.randomBytes. Only a SHA-256 of the normalised code is stored.
 *
 * The hash is bound to the user (`SHA-256("rampart-recovery-code-v1" 0x00 userId 0x00 code)`):
 * without a per-user input, one guess in a stolen table is tried against every user's codes at
 * once; with it, a guess is good for one user only. 60 bits per code keep that search out of reach.
 *
 * Single use is the store's job: it deletes or marks the row whose hash matches in one atomic
 * statement (`UPDATE … SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL
 * RETURNING …`), so of two concurrent uses of one code exactly one succeeds.
 */
import { createHash } from 'node:crypto';
import type { Secret } from '../../../kernel/domain/secret.js';
import { secret } from '../../../kernel/domain/secret.js';
import { randomString } from '../../../kernel/crypto/random-string.js';

/** Crockford's base32 alphabet in lower case: 32 symbols, none easily mistaken for another. */
export const RECOVERY_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** How many codes an enrolment produces. */
export const RECOVERY_CODE_COUNT = 10;
const GROUPS = 3;
const GROUP_LENGTH = 4;
const SYMBOLS = GROUPS * GROUP_LENGTH; // 12 × 5 bits = 60 bits
const DOMAIN = 'rampart-recovery-code-v1';
// Crockford's decoding: letters that look like digits read as those digits.
const LOOKALIKES: Readonly<Record<string, string>> = Object.freeze({ o: '0', i: '1', l: '1' });

/** A fresh set: the codes to show once, and the hashes to store, in the same order. */
export interface RecoveryCodeSet {
  readonly codes: readonly Secret<string>[];
  readonly hashes: readonly string[];
}

/** Ten distinct new codes for `userId`, formatted `xxxx-xxxx-xxxx`, with their hashes. */
export function generateRecoveryCodes(userId: string): RecoveryCodeSet {
  checkUserId(userId);
  const raw = new Set<string>();
  while (raw.size < RECOVERY_CODE_COUNT) raw.add(randomString(RECOVERY_CODE_ALPHABET, SYMBOLS));
  const codes: Secret<string>[] = [];
  const hashes: string[] = [];
  for (const code of raw) {
    codes.push(secret(format(code)));
    hashes.push(digest(userId, code));
  }
  return Object.freeze({ codes: Object.freeze(codes), hashes: Object.freeze(hashes) });
}

/**
 * The canonical form of a code as typed: case, dashes and spaces ignored, `o` read as `0` and `i`,
 * `l` as `1`. `null` when what remains is not 12 symbols of the alphabet.
 */
export function normaliseRecoveryCode(input: Secret<string>): Secret<string> | null {
  const typed = input.reveal();
  if (typed.length > 64) return null;
  let code = '';
  for (const char of typed.toLowerCase().replace(/[\s-]+/g, '')) {
    const symbol = LOOKALIKES[char] ?? char;
    if (!RECOVERY_CODE_ALPHABET.includes(symbol)) return null;
    code += symbol;
  }
  return code.length === SYMBOLS ? secret(code) : null;
}

/**
 * The hex SHA-256 to look up for a code `userId` typed, or `null` when it cannot be a code (then
 * the caller answers as for a wrong code). The store consumes the matching row atomically.
 */
export function hashRecoveryCode(userId: string, input: Secret<string>): string | null {
  checkUserId(userId);
  const code = normaliseRecoveryCode(input);
  return code === null ? null : digest(userId, code.reveal());
}

/** `7k2mx9qd4hnp` → `7k2m-x9qd-4hnp`. */
function format(code: string): string {
  const groups: string[] = [];
  for (let at = 0; at < code.length; at += GROUP_LENGTH) groups.push(code.slice(at, at + GROUP_LENGTH));
  return groups.join('-');
}

function digest(userId: string, code: string): string {
  return createHash('sha256').update(`${DOMAIN}\0${userId}\0${code}`, 'utf8').digest('hex');
}

function checkUserId(userId: string): void {
  // The NUL separator is unambiguous only if the id holds none.
  if (userId.length === 0 || userId.includes('\0')) throw new TypeError('a recovery code needs a non-empty user id without NUL');
}
