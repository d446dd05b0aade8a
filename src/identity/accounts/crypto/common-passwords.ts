/**
 * The offline list of common and breached passwords that the password policy refuses (NIST SP
 * 800-63B-4 §3.1.1.2). The dependency `@zxcvbn-ts/language-common` is the source of truth and ships
 * with the package, so no file is read and no network is asked; its ~49k entries become a `Set` of
 * NFC, lower-case strings once, on first use.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import type { CommonPasswordList } from '../domain/password-policy.js';

/** The shared, read-only list: lookups and its size, nothing that could change it. */
export interface CommonPasswords extends CommonPasswordList {
  readonly size: number;
}

let cached: CommonPasswords | undefined;

/**
 * The common-password list in the form `PasswordPolicy` compares (NFC, lower case). Built on the
 * first call and shared afterwards, frozen so that no caller can add or remove an entry.
 */
export function commonPasswords(): CommonPasswords {
  if (cached === undefined) {
    const entries = new Set<string>();
    for (const entry of dictionary['passwords-common']) entries.add(entry.normalize('NFC').toLowerCase());
    cached = Object.freeze({ size: entries.size, has: (candidate: string) => entries.has(candidate) });
  }
  return cached;
}
