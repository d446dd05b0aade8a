/**
 * The audit log's checkpoint-signing key: Ed25519, created once per deployment on first start,
 * its private half sealed with AES-256-GCM under the master key (the key-encryption key never
 * lives in the database). The associated data binds the sealed key to its row id, its name and
 * its public key, so that a sealed key swapped into another row, or paired with another public
 * key, does not open. Two instances starting together insert the same row id once; the loser
 * reads the winner's key.
 */
import { ed25519FromPkcs8, ed25519FromRaw, newEd25519KeyPair } from '../crypto/audit-signing-key.js';
import { openAesGcm, sealAesGcm } from '../../kernel/crypto/aes-gcm-seal.js';
import { noteSigner, noteVerifier, type NoteSigner, type NoteVerifier } from '../crypto/signed-note.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { AuditKeyTable } from './audit-tables.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';

export const AUDIT_KEY_ID = 'audit-checkpoint-1';

/** The log's key as stored: its name (the log's origin) and the verifier; the signer when the master key is known. */
export interface AuditKeys {
  readonly name: string;
  readonly verifier: NoteVerifier;
  readonly signer: NoteSigner | undefined;
}

function aad(row: Pick<AuditKeyTable, 'id' | 'name' | 'public_key'>): string {
  return `rampart audit checkpoint key v1\n${row.id}\n${row.name}\n${row.public_key}`;
}

async function createKey(db: RampartKysely, kek: Secret<Buffer>, name: string, now: number): Promise<void> {
  const { raw, pkcs8: der } = newEd25519KeyPair();
  const row = { id: AUDIT_KEY_ID, name, public_key: raw, created_at: now };
  const sealed = sealAesGcm(kek.reveal(), new Uint8Array(der), aad(row));
  await db
    .insertInto('audit_keys')
    .values({ ...row, sealed_private_key: sealed })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * Loads the log's key, creating it under `origin` when the deployment has none. Without `kek`
 * (an auditor exporting) the key is only read, and there is no signer. Throws when the stored key
 * does not open with `kek` — the wrong master key must stop the start, not mint a new log identity.
 */
export async function loadAuditKeys(
  db: RampartKysely,
  options: { kek?: Secret<Buffer>; origin: string; clock: Clock },
): Promise<AuditKeys> {
  const read = () => db.selectFrom('audit_keys').selectAll().where('id', '=', AUDIT_KEY_ID).executeTakeFirst();
  let row = await read();
  if (row === undefined) {
    if (options.kek === undefined) throw new Error('the audit log has no signing key yet (start Rampart once)');
    await createKey(db, options.kek, options.origin, options.clock.now());
    row = await read();
    if (row === undefined) throw new Error('the audit signing key could not be stored');
  }
  const verifier = noteVerifier(row.name, ed25519FromRaw(row.public_key));
  if (options.kek === undefined) return { name: row.name, verifier, signer: undefined };
  const der = openAesGcm(options.kek.reveal(), row.sealed_private_key, aad(row));
  if (der === undefined) throw new Error('the audit signing key does not open with this master key');
  const signer = noteSigner(row.name, ed25519FromPkcs8(der));
  if (signer.keyId !== verifier.keyId) throw new Error('the audit signing key does not match its public key');
  return { name: row.name, verifier, signer };
}
