/**
 * A stored secret or wrapped key that failed authentication, or is malformed: tampered, moved to
 * another org, name or version, or sealed under another key. It is never retried with another key,
 * never shown and never logged with its value; the secret service turns it into the stable
 * `secret_integrity_failed`, an audit entry and an alert.
 */
export class SecretIntegrityError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'SecretIntegrityError';
  }
}
