/**
 * The in-toto Statement v1 (in-toto/attestation `spec/v1/statement.md`) that a Rampart DSSE
 * envelope carries, and the check that it names an artifact's SHA-256 digest. Pure; no I/O.
 */

/** `payloadType` of an in-toto statement in DSSE (in-toto/attestation `spec/v1/envelope.md`). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

export interface InTotoStatement {
  readonly _type: string;
  readonly subject: readonly { readonly name: string; readonly digest: Readonly<Record<string, string>> }[];
  readonly predicateType: string;
  readonly predicate?: unknown;
}

/** The statement in `payload`, or undefined when it is not JSON of an in-toto Statement v1. */
export function parseStatement(payload: Uint8Array): InTotoStatement | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const statement = parsed as Partial<InTotoStatement>;
  if (statement._type !== IN_TOTO_STATEMENT_V1 || !Array.isArray(statement.subject) || typeof statement.predicateType !== 'string')
    return undefined;
  const valid = statement.subject.every(
    (subject) =>
      typeof subject === 'object' &&
      subject !== null &&
      typeof subject.name === 'string' &&
      typeof subject.digest === 'object' &&
      subject.digest !== null,
  );
  return valid ? (statement as InTotoStatement) : undefined;
}

/** Whether a subject of `statement` has SHA-256 `hex` (64 lowercase hex digits; the comparison ignores case). */
export function statementNamesDigest(statement: InTotoStatement, hex: string): boolean {
  const wanted = hex.toLowerCase();
  return /^[0-9a-f]{64}$/.test(wanted) && statement.subject.some((subject) => subject.digest.sha256?.toLowerCase() === wanted);
}
