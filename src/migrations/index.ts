/**
 * Every migration, in order. Names sort in application order; a migration is never edited once
 * released — a change is a new migration, and `test/integration/migrations.test.ts` gains a step
 * that loads a database of the previous version, with rows, and checks it after the upgrade.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { migration0001 } from './0001-meta.js';
import { migration0002 } from './0002-idempotency-keys.js';
import { migration0003 } from './0003-identity.js';
import { migration0004 } from './0004-audit.js';
import { migration0005 } from './0005-password-tokens.js';
import { migration0006 } from './0006-mfa.js';
import { migration0007 } from './0007-tenancy.js';
import { migration0008 } from './0008-browser-sessions.js';
import { migration0009 } from './0009-api-keys-clients.js';
import { migration0010 } from './0010-secrets.js';
import { migration0011 } from './0011-audit-privacy.js';
import { migration0012 } from './0012-rls-working-role.js';
import { migration0013 } from './0013-invitations.js';
import { migration0014 } from './0014-step-up.js';
import { migration0015 } from './0015-revocation-sequence.js';
import { migration0016 } from './0016-event-outbox.js';
import { migration0017 } from './0017-jobs.js';
import { migration0018 } from './0018-webhooks.js';
import { migration0019 } from './0019-webhooks-inbound.js';
import { migration0020 } from './0020-signing.js';
import { migration0021 } from './0021-licences.js';
import { migration0022 } from './0022-backups.js';
import { migration0023 } from './0023-mail-outbox.js';
import { migration0024 } from './0024-email-verification.js';
import { migration0025 } from './0025-federation.js';
import { migration0027 } from './0027-passkeys.js';
import { migration0028 } from './0028-security-events.js';
import { migration0029 } from './0029-session-limits.js';
import { migration0030 } from './0030-audit-throughput.js';
import { migration0031 } from './0031-client-audiences.js';
import { migration0033 } from './0033-access-review.js';
import { migration0034 } from './0034-config-state.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-meta': migration0001,
  '0002-idempotency-keys': migration0002,
  '0003-identity': migration0003,
  '0004-audit': migration0004,
  '0005-password-tokens': migration0005,
  '0006-mfa': migration0006,
  '0007-tenancy': migration0007,
  '0008-browser-sessions': migration0008,
  '0009-api-keys-clients': migration0009,
  '0010-secrets': migration0010,
  '0011-audit-privacy': migration0011,
  '0012-rls-working-role': migration0012,
  '0013-invitations': migration0013,
  '0014-step-up': migration0014,
  '0015-revocation-sequence': migration0015,
  '0016-event-outbox': migration0016,
  '0017-jobs': migration0017,
  '0018-webhooks': migration0018,
  '0019-webhooks-inbound': migration0019,
  '0020-signing': migration0020,
  '0021-licences': migration0021,
  '0022-backups': migration0022,
  '0023-mail-outbox': migration0023,
  '0024-email-verification': migration0024,
  '0025-federation': migration0025,
  '0027-passkeys': migration0027,
  '0028-security-events': migration0028,
  '0029-session-limits': migration0029,
  '0030-audit-throughput': migration0030,
  '0031-client-audiences': migration0031,
  '0033-access-review': migration0033,
  '0034-config-state': migration0034,
});

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
