/**
 * A TOTP secret at rest: AES-256-GCM ({@link sealAesGcm}) under a key derived from the master key
 * for this purpose only, the user id in the associated data — a sealed secret copied onto another
 * user's row fails to open instead of giving that user a known second factor.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';
import { openAesGcm, sealAesGcm } from '../../../kernel/crypto/aes-gcm-seal.js';

function aad(userId: string): string {
  return `rampart/v1/totp-secret\0${userId}`;
}

/** Seals the base32 secret of `userId`. */
export function sealTotpSecret(key: Secret<Buffer>, userId: string, totpSecret: Secret<string>): string {
  return sealAesGcm(key.reveal(), Buffer.from(totpSecret.reveal(), 'utf8'), aad(userId));
}

/** Opens a sealed secret of `userId`; a tampered, moved or foreign-key value is `secret_integrity_failed`. */
export function openTotpSecret(key: Secret<Buffer>, userId: string, sealed: string): Secret<string> {
  const clear = openAesGcm(key.reveal(), sealed, aad(userId));
  if (clear === undefined) throw new DomainError('secret_integrity_failed', 'The stored TOTP secret failed its integrity check');
  return secret(clear.toString('utf8'));
}
