/**
 * The outbox's sealing of a rendered message: AES-256-GCM (kernel/crypto/aes-gcm-seal.ts) under
 * the `mail-outbox-seal` key derived from the master key, with associated data that binds the
 * ciphertext to its row (id, template, org), so a body moved to another row, or altered, does not
 * open — and a message that does not open is never sent.
 */
import { openAesGcm, sealAesGcm } from '../../kernel/crypto/aes-gcm-seal.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { RenderedMail } from '../domain/render.js';

/** What a sealed message is bound to. */
export interface SealedMailBinding {
  readonly id: string;
  readonly template: string;
  readonly orgId: string | null;
}

function aad(binding: SealedMailBinding): string {
  return `rampart/mail-outbox/v1\n${binding.id}\n${binding.template}\n${binding.orgId ?? ''}`;
}

export function sealMail(key: Secret<Buffer>, binding: SealedMailBinding, mail: RenderedMail): string {
  const plaintext = Buffer.from(JSON.stringify({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html }), 'utf8');
  return sealAesGcm(key.reveal(), plaintext, aad(binding));
}

/** The message sealed in `sealed`; `undefined` when it does not open or is not a message. */
export function openMail(key: Secret<Buffer>, binding: SealedMailBinding, sealed: string): RenderedMail | undefined {
  const plaintext = openAesGcm(key.reveal(), sealed, aad(binding));
  if (plaintext === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(plaintext.toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { to, subject, text, html } = value as Record<string, unknown>;
    if (typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string' || typeof html !== 'string') return undefined;
    return { to, subject, text, html };
  } catch {
    return undefined;
  }
}
