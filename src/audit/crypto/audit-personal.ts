/**
 * Personal fields of audit entries, sealed per subject so that erasing a subject (GDPR Art. 17:
 * destroying the subject's key) leaves the log verifiable (docs/decisions/010-audit-integration.md).
 *
 * An entry with a subject (the user whose personal data it holds — the event's `subject`, or the
 * acting user when there is none) has these fields taken out of its public part:
 *   - `actor.id`, when the actor is a user and is the subject;
 *   - `source_ip` and `user_agent`;
 *   - `details.<key>` for the keys in {@link PERSONAL_DETAIL_KEYS} (email addresses, names, …).
 * Their values go, with a random 16-byte salt, into AES-256-GCM sealed under the subject's key;
 * the leaf holds only `personal: {fields, commitment}`, where `commitment` =
 * base64(SHA-256(RFC 8785 canonical JSON of `{"salt", "values"}`)) — a salted commitment, so the
 * leaf reveals nothing of the values and still binds them: whoever holds the disclosed values
 * and salt (an export made before erasure) can check them against the signed tree.
 */
import { createCipheriv, hash, randomBytes } from 'node:crypto';
import type { AuditEntry, AuditEntryFields } from '../../kernel/domain/audit-entry.js';
import { openAesGcm } from '../../kernel/crypto/aes-gcm-seal.js';
import { canonicalJson, canonicalString } from '../../kernel/crypto/canonical-json.js';

/** What an erased (or unreadable) personal field reads as in listings and exports. */
export const ERASED = '[erased]';

/** `details` keys that hold personal data and are sealed with the subject's key. */
export const PERSONAL_DETAIL_KEYS: ReadonlySet<string> = new Set([
  'email',
  'new_email',
  'old_email',
  'name',
  'display_name',
  'username',
  'phone',
  'ip',
  'user_agent',
  'device_name',
]);

/** The leaf's reference to the sealed values: which fields were taken out, and the commitment to them. */
export interface PersonalRef {
  readonly fields: readonly string[];
  readonly commitment: string;
}

/** The sealed plaintext: the salt (base64) and the values by field name (`actor.id`, `source_ip`, `details.email`, …). */
export interface PersonalDisclosure {
  readonly salt: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** An entry with its personal fields taken out, before a salt is drawn for them. */
export interface TakenPersonal {
  readonly event: AuditEntryFields;
  readonly subject: string;
  /** The names of the fields taken out, sorted. */
  readonly fields: readonly string[];
  readonly values: Readonly<Record<string, unknown>>;
}

/** An entry with its personal fields taken out and committed to. */
export interface SplitEvent {
  readonly event: AuditEntryFields;
  readonly subject: string;
  readonly personal: PersonalRef;
  readonly disclosure: PersonalDisclosure;
  /** The canonical JSON of `disclosure`: what the commitment hashes and the seal encrypts. */
  readonly plaintext: string;
}

/** The bytes of a salt; a sealing nonce (AES-GCM, 96 bits). */
export const SALT_SIZE = 16;
export const NONCE_SIZE = 12;

const commitmentOf = (plaintext: string): string => hash('sha256', plaintext, 'base64');

/** The commitment of a disclosure: base64(SHA-256(canonical JSON of {salt, values})). */
export function personalCommitment(disclosure: PersonalDisclosure): string {
  return commitmentOf(canonicalJson({ salt: disclosure.salt, values: disclosure.values }));
}

/** The subject whose key seals `event`'s personal fields: its `subject`, else the acting user. */
export function auditSubject(event: AuditEntryFields): string | undefined {
  if (event.subject !== undefined) return event.subject;
  return event.actor.type === 'user' && event.actor.id !== null ? event.actor.id : undefined;
}

/** Takes the personal fields out of `event` and commits to them under a fresh salt; undefined when it has none. */
export function splitPersonal(event: AuditEntryFields): SplitEvent | undefined {
  const taken = takePersonal(event);
  return taken === undefined ? undefined : commitPersonal(taken, randomBytes(SALT_SIZE));
}

/**
 * Commits to the fields `taken` out under `salt` (16 random bytes, never used for another entry):
 * one canonical-JSON pass gives the text the commitment hashes and {@link sealSplit} encrypts.
 */
export function commitPersonal(taken: TakenPersonal, salt: Uint8Array): SplitEvent {
  if (salt.length !== SALT_SIZE) throw new RangeError(`a salt is ${SALT_SIZE} bytes`);
  const disclosure: PersonalDisclosure = { salt: Buffer.from(salt).toString('base64'), values: taken.values };
  const plaintext = canonicalJson(disclosure);
  return {
    event: taken.event,
    subject: taken.subject,
    personal: { fields: taken.fields, commitment: commitmentOf(plaintext) },
    disclosure,
    plaintext,
  };
}

/** Takes the personal fields out of `event`; undefined when it has no subject or no personal field. */
export function takePersonal(event: AuditEntryFields): TakenPersonal | undefined {
  const subject = auditSubject(event);
  if (subject === undefined) return undefined;
  const values: Record<string, unknown> = {};
  let actor = event.actor;
  if (actor.type === 'user' && actor.id !== null && actor.id === subject) {
    values['actor.id'] = actor.id;
    actor = { type: actor.type, id: null };
  }
  if (event.sourceIp !== null) values.source_ip = event.sourceIp;
  if (event.userAgent !== undefined) values.user_agent = event.userAgent;
  let details = event.details;
  if (details !== undefined) {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(details)) {
      if (PERSONAL_DETAIL_KEYS.has(key)) values[`details.${key}`] = value;
      else kept[key] = value;
    }
    details = kept;
  }
  const fields = Object.keys(values).sort();
  if (fields.length === 0) return undefined;
  const { userAgent: _userAgent, details: _details, ...rest } = event;
  return {
    event: { ...rest, actor, sourceIp: null, ...(details === undefined ? {} : { details }) },
    subject,
    fields,
    values,
  };
}

const aad = (commitment: string): string => `rampart/v1/audit-personal/${commitment}`;

/** Seals a disclosure under the subject's key, bound to its commitment (a sealed value moved to another entry fails to open). */
export function sealPersonal(key: Uint8Array, personal: PersonalRef, disclosure: PersonalDisclosure): string {
  return sealSplit(key, { personal, plaintext: canonicalJson(disclosure) }, randomBytes(NONCE_SIZE));
}

/**
 * {@link sealPersonal} of a split's text under `nonce` (12 random bytes drawn for this seal alone:
 * a nonce is never reused under a key). The `aes-gcm-seal.ts` format, `v1.` + base64(nonce ‖
 * ciphertext ‖ tag), so that {@link openPersonal} opens it.
 */
export function sealSplit(key: Uint8Array, split: Pick<SplitEvent, 'personal' | 'plaintext'>, nonce: Uint8Array): string {
  if (nonce.length !== NONCE_SIZE) throw new RangeError(`a nonce is ${NONCE_SIZE} bytes`);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad(split.personal.commitment), 'utf8'));
  const body = cipher.update(split.plaintext, 'utf8');
  return `v1.${Buffer.concat([nonce, body, cipher.final(), cipher.getAuthTag()]).toString('base64')}`;
}

/** Opens a sealed disclosure and checks it against the commitment; undefined when it cannot be. */
export function openPersonal(key: Uint8Array, personal: PersonalRef, sealed: string): PersonalDisclosure | undefined {
  const plain = openAesGcm(key, sealed, aad(personal.commitment));
  if (plain === undefined) return undefined;
  let disclosure: PersonalDisclosure;
  try {
    const parsed = JSON.parse(plain.toString('utf8')) as { salt?: unknown; values?: unknown };
    if (typeof parsed.salt !== 'string' || typeof parsed.values !== 'object' || parsed.values === null) return undefined;
    disclosure = { salt: parsed.salt, values: parsed.values as Record<string, unknown> };
  } catch {
    return undefined;
  }
  return personalCommitment(disclosure) === personal.commitment ? disclosure : undefined;
}

/** Whether `disclosure` is the one `personal` commits to (what `rampart audit verify` checks of an export). */
export function disclosureMatches(personal: PersonalRef, disclosure: PersonalDisclosure): boolean {
  try {
    return personalCommitment(disclosure) === personal.commitment;
  } catch {
    return false;
  }
}

/**
 * The entry as a reader sees it: the personal fields restored from `disclosure`, or each shown
 * as {@link ERASED} when the subject's key is gone (or the sealed value does not open).
 */
export function disclosedEntry(entry: AuditEntry, personal: PersonalRef, disclosure: PersonalDisclosure | undefined): AuditEntry {
  const value = (field: string): unknown => (disclosure === undefined ? ERASED : disclosure.values[field]);
  let actor = entry.actor;
  let sourceIp = entry.sourceIp;
  let userAgent = entry.userAgent;
  let details = entry.details === undefined ? undefined : { ...entry.details };
  for (const field of personal.fields) {
    const v = value(field);
    if (field === 'actor.id') actor = { type: actor.type, id: typeof v === 'string' ? v : ERASED };
    else if (field === 'source_ip') sourceIp = typeof v === 'string' ? v : ERASED;
    else if (field === 'user_agent') userAgent = typeof v === 'string' ? v : ERASED;
    else if (field.startsWith('details.')) details = { ...details, [field.slice('details.'.length)]: v };
  }
  return {
    ...entry,
    actor,
    sourceIp,
    ...(userAgent === undefined ? {} : { userAgent }),
    ...(details === undefined ? {} : { details }),
  };
}

/** The canonical text of a {@link PersonalRef}, as stored in the `personal` column. */
export function personalRefText(personal: PersonalRef): string {
  // RFC 8785 of {commitment, fields} (members sorted, strings as JSON.stringify spells them).
  return `{"commitment":${canonicalString(personal.commitment)},"fields":[${personal.fields.map(canonicalString).join(',')}]}`;
}

/** Parses the `personal` column; undefined when it is absent or malformed. */
export function parsePersonalRef(text: string | null): PersonalRef | undefined {
  if (text === null) return undefined;
  try {
    const parsed = JSON.parse(text) as { fields?: unknown; commitment?: unknown };
    if (!Array.isArray(parsed.fields) || typeof parsed.commitment !== 'string') return undefined;
    return { fields: parsed.fields.filter((f): f is string => typeof f === 'string'), commitment: parsed.commitment };
  } catch {
    return undefined;
  }
}
