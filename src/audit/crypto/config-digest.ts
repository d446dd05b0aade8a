/**
 * Digests of the effective configuration for the `config.start` audit entry: per configuration
 * key, HMAC-SHA-256 (RFC 2104) of its canonical value under a key derived from the root key
 * (`config-digest`), and one digest over all of them. Keyed, so that the digest of a secret (a PIN,
 * a password) cannot be tested against guesses by whoever reads the audit log or the database;
 * values themselves are never written anywhere.
 */
import { createHmac } from 'node:crypto';
import { Secret } from '../../kernel/domain/secret.js';
import type { RampartConfig } from '../../kernel/config.js';

/** The canonical text of one configuration value: secrets revealed only into the HMAC. */
function canonical(value: unknown): string {
  if (value instanceof Secret) {
    const revealed: unknown = value.reveal();
    return `secret:${Buffer.isBuffer(revealed) ? revealed.toString('base64') : String(revealed)}`;
  }
  if (value === undefined) return 'unset';
  if (value instanceof URL) return `url:${value.href}`;
  if (value instanceof RegExp) return `regexp:${value.source}`;
  // A secret nested in a list reads `[redacted]` here (its toJSON): none of the variables nests one.
  return `json:${JSON.stringify(value)}`;
}

/** The per-key digests of `config` (sorted by key) and the digest over them (hex). */
export function configDigests(
  config: RampartConfig,
  key: Secret<Buffer>,
): { readonly digest: string; readonly keys: Readonly<Record<string, string>> } {
  const keys: Record<string, string> = {};
  const all = createHmac('sha256', key.reveal());
  for (const name of Object.keys(config).sort()) {
    const value: unknown = (config as unknown as Record<string, unknown>)[name];
    const digest = createHmac('sha256', key.reveal())
      .update(`${name}\n${canonical(value)}`)
      .digest('base64url');
    keys[name] = digest;
    all.update(`${name}=${digest}\n`);
  }
  return { digest: all.digest('hex'), keys };
}

/** The keys whose digest differs between two starts (present in one only counts as changed), sorted. */
export function changedKeys(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
