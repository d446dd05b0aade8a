/**
 * The password policy of NIST SP 800-63B-4 §3.1.1.2 (§5.1.1.2 in rev. 3): a length window counted in
 * Unicode code points, no composition rules, and a refusal of passwords found in a list of common
 * or breached ones. It is pure: the list arrives as a value (see `identity/accounts/crypto/common-passwords.ts`), so
 * the domain reads no file and imports no package.
 *
 * Every password is NFC-normalised (Unicode UAX #15) before it is counted, compared or hashed, so
 * "é" typed as one code point or as "e" + U+0301 is the same password; `PasswordHasher` receives and
 * hashes that same NFC form.
 *
 * Repetitive and sequential characters (NIST SP 800-63B §3.1.1.2: "repetitive or sequential
 * characters (e.g. 'aaaaaa', '1234abcd')"): a password made only of one short group repeated
 * (`aaaaaaaaaaaa`, `abababababab`, `abcabcabcabc`) is refused as `repeated`, and one made only of
 * runs of at least {@link SEQUENCE_RUN_MIN_LENGTH} consecutive characters up or down
 * (`abcdefghijkl`, `123456789012` — the digits wrap from 9 to 0 —, `1234abcd5678`, `zyxwvu…`) as
 * `sequential`. Both are compared in lower case.
 *
 * Context-specific words (V6.2.11, NIST SP 800-63B-4 §3.1.1.2: "context-specific words, such as
 * the name of the service, the username, and derivatives thereof"): a password that contains the
 * product name (`rampart`), a label of the deployment's host, or a part of the user's own email
 * (its local part, the pieces of it, its domain labels) is refused as `context`. The comparison is
 * case-insensitive and undoes simple substitutions (`@`→a, `0`→o, `1`/`l`/`!`/`|`→i, `3`→e,
 * `4`→a, `5`/`$`→s, `7`→t, `8`→b, `9`→g) on both sides, ignoring anything but letters; a top-level
 * domain, `www`, and words shorter than {@link CONTEXT_WORD_MIN_LENGTH} letters are not words.
 */
import type { Secret } from '../../../kernel/domain/secret.js';
import { secret } from '../../../kernel/domain/secret.js';

/** The longest password accepted, in code points (spec: 12–128). */
export const PASSWORD_MAX_LENGTH = 128;
/** The default minimum length, in code points. */
export const PASSWORD_DEFAULT_MIN_LENGTH = 12;
/** No configuration may go below this minimum (NIST SP 800-63B: at least 8). */
export const PASSWORD_MIN_LENGTH_FLOOR = 8;

/**
 * A list of common or breached passwords. `has` receives the NFC form in lower case (`toLowerCase`,
 * locale-independent), and the list must hold its entries in that same form. A `ReadonlySet<string>`
 * fits.
 */
export interface CommonPasswordList {
  has(normalisedLowerCase: string): boolean;
}

/** Why a password was refused; the HTTP layer maps it to `validation_failed` naming `password`. */
export type PasswordRefusal = 'too_short' | 'too_long' | 'common' | 'repeated' | 'sequential' | 'context';

/** The longest group whose repetition makes a password `repeated` (`abcd` ×3 is refused). */
export const REPEATED_GROUP_MAX_LENGTH = 4;
/** The shortest run of consecutive characters that counts towards `sequential`. */
export const SEQUENCE_RUN_MIN_LENGTH = 3;

/** Whether `chars` is one group of at most {@link REPEATED_GROUP_MAX_LENGTH} characters, repeated. */
export function isRepeatedGroup(chars: readonly string[]): boolean {
  for (let size = 1; size <= REPEATED_GROUP_MAX_LENGTH && size * 2 <= chars.length; size += 1) {
    if (chars.length % size === 0 && chars.every((char, index) => char === chars[index % size])) return true;
  }
  return false;
}

/** The step from `a` to `b`: +1 or -1 between neighbouring code points (digits wrap 9↔0), else 0. */
function stepBetween(a: string, b: string): number {
  if (/^[0-9]$/.test(a) && /^[0-9]$/.test(b)) {
    const diff = (Number(b) - Number(a) + 10) % 10;
    return diff === 1 ? 1 : diff === 9 ? -1 : 0;
  }
  const diff = (b.codePointAt(0) ?? 0) - (a.codePointAt(0) ?? 0);
  return diff === 1 || diff === -1 ? diff : 0;
}

/**
 * Whether `chars` is made only of runs of at least {@link SEQUENCE_RUN_MIN_LENGTH} characters,
 * each going up or down one at a time (`1234abcd`, `987654321098`).
 */
export function isSequentialRuns(chars: readonly string[]): boolean {
  let start = 0;
  while (start < chars.length) {
    const direction = start + 1 < chars.length ? stepBetween(chars[start] ?? '', chars[start + 1] ?? '') : 0;
    if (direction === 0) return false;
    let end = start + 1;
    while (end + 1 < chars.length && stepBetween(chars[end] ?? '', chars[end + 1] ?? '') === direction) end += 1;
    if (end - start + 1 < SEQUENCE_RUN_MIN_LENGTH) return false;
    start = end + 1;
  }
  return chars.length > 0;
}

/** Context words shorter than this (after canonicalisation) are ignored: `io`, `app`. */
export const CONTEXT_WORD_MIN_LENGTH = 4;

/** What a password is checked against besides the deployment's words: whose password it is. */
export interface PasswordContext {
  /** The account's email (lower-cased or not). */
  readonly email?: string;
}

const SUBSTITUTIONS: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '3': 'e',
  '9': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'i',
  l: 'i',
  '0': 'o',
  '5': 's',
  $: 's',
  '7': 't',
};

/** Lower case, substitutions undone, letters only: what context words are compared in. */
export function canonicalContextForm(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC').toLowerCase()) {
    const mapped = SUBSTITUTIONS[char] ?? char;
    if (/^\p{L}$/u.test(mapped)) out += mapped;
  }
  return out;
}

/** The labels of a host name that count as words: not an IP address, not the TLD, not `www`. */
function hostWords(host: string): string[] {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(name) || name.includes(':') || name.startsWith('[')) return [];
  return name
    .split('.')
    .slice(0, -1)
    .filter((label) => label !== 'www');
}

/** The deployment's own words: the product name and the labels of the public URL's host. */
export function deploymentContextWords(publicUrl: string): readonly string[] {
  return Object.freeze(['rampart', ...hostWords(new URL(publicUrl).hostname)]);
}

/** The words of an email: its local part, the pieces of it, and its domain's labels. */
export function emailContextWords(email: string): string[] {
  const at = email.lastIndexOf('@');
  const local = at === -1 ? email : email.slice(0, at);
  const domain = at === -1 ? '' : email.slice(at + 1);
  return [local, ...local.split(/[._+-]/), ...(domain === '' ? [] : hostWords(domain))];
}

/** The policy's answer: never the password, only whether and why. */
export type PasswordPolicyResult = { readonly ok: true } | { readonly ok: false; readonly reason: PasswordRefusal };

/** The policy's configuration, checked and frozen by the constructor. */
export interface PasswordPolicyOptions {
  /** Minimum length in code points: an integer from 8 to 128; 12 by default. */
  readonly minLength?: number;
  /** The common/breached list to refuse from. */
  readonly commonPasswords: CommonPasswordList;
  /** The deployment's context words (see {@link deploymentContextWords}); none when absent. */
  readonly contextWords?: readonly string[];
}

/** The NFC form of a password: what the policy counts and what the hasher hashes. */
export function normalisePassword(password: Secret<string>): Secret<string> {
  return secret(password.reveal().normalize('NFC'));
}

/** Decides whether a new password may be set. Configuration is checked and frozen at construction. */
export class PasswordPolicy {
  readonly minLength: number;
  readonly maxLength = PASSWORD_MAX_LENGTH;
  readonly #common: CommonPasswordList;
  readonly #contextWords: readonly string[];

  constructor(options: PasswordPolicyOptions) {
    const minLength = options.minLength ?? PASSWORD_DEFAULT_MIN_LENGTH;
    if (!Number.isInteger(minLength) || minLength < PASSWORD_MIN_LENGTH_FLOOR || minLength > PASSWORD_MAX_LENGTH) {
      throw new RangeError(
        `password policy minLength must be an integer from ${PASSWORD_MIN_LENGTH_FLOOR} to ${PASSWORD_MAX_LENGTH}, got ${String(minLength)}`,
      );
    }
    this.minLength = minLength;
    this.#common = options.commonPasswords;
    this.#contextWords = Object.freeze(canonicalWords(options.contextWords ?? []));
    Object.freeze(this);
  }

  /** Checks a candidate password; the order is too short, too long, common, repeated, sequential, then context words. */
  check(password: Secret<string>, context: PasswordContext = {}): PasswordPolicyResult {
    const nfc = normalisePassword(password).reveal();
    // Iterating a string walks code points, not UTF-16 units: an emoji counts once.
    let length = 0;
    for (const _ of nfc) length += 1;
    if (length < this.minLength) return { ok: false, reason: 'too_short' };
    if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'too_long' };
    const lower = nfc.toLowerCase();
    if (this.#common.has(lower)) return { ok: false, reason: 'common' };
    const chars = [...lower];
    if (isRepeatedGroup(chars)) return { ok: false, reason: 'repeated' };
    if (isSequentialRuns(chars)) return { ok: false, reason: 'sequential' };
    if (this.#hasContextWord(nfc, context)) return { ok: false, reason: 'context' };
    return { ok: true };
  }

  #hasContextWord(nfc: string, context: PasswordContext): boolean {
    const form = canonicalContextForm(nfc);
    const words =
      context.email === undefined ? this.#contextWords : [...this.#contextWords, ...canonicalWords(emailContextWords(context.email))];
    return words.some((word) => form.includes(word));
  }
}

/** Canonical forms of `words` long enough to count, without duplicates. */
function canonicalWords(words: readonly string[]): string[] {
  const forms = words.map(canonicalContextForm).filter((word) => word.length >= CONTEXT_WORD_MIN_LENGTH);
  return [...new Set(forms)];
}

/**
 * The policy in words, for the OpenAPI description of every field that sets a new password (and
 * the README): what a client must show before the user types.
 */
export const NEW_PASSWORD_DESCRIPTION =
  `A new password: ${PASSWORD_DEFAULT_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters (Unicode code points, NFC-normalised), no composition rules. ` +
  'Refused (400 `validation_failed`, the error naming the rule, never the password) when it is a common or breached password, ' +
  'repeats one character or a short group (aaaa…, abab…), is made of sequential characters (abcd…, 1234…), or contains the ' +
  "product name, this deployment's host name or a part of the account's email address (NIST SP 800-63B §3.1.1.2).";
