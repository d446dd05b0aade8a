/**
 * The audit log's sections of the caller's data export (GDPR Art. 15/20): the devices the
 * new-device alert knows (fingerprints only), and the newest {@link EXPORT_AUDIT_LIMIT} entries
 * whose subject or actor is the caller, with `truncated` when older ones exist (an admin's
 * `rampart audit export` holds every entry).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { PersonalDataSection } from '../../kernel/part.js';
import type { AuditPersonalData } from '../ports/audit-personal-data.js';
import { Entry } from './org-audit.js';

/** The most audit entries one export carries (newest first); a few MB of JSON at most. */
export const EXPORT_AUDIT_LIMIT = 10_000;

const Time = Type.String({ format: 'date-time' });

const KnownDevices = Type.Array(
  Type.Object(
    { fingerprint: Type.String({ description: 'SHA-256 of the user id and user agent' }), first_seen: Time },
    { additionalProperties: false },
  ),
  { description: 'devices the new-device alert knows' },
);

const AuditSection = Type.Object(
  {
    entries: Type.Array(
      Type.Object(
        {
          ...Entry.properties,
          withheld: Type.Optional(
            Type.Array(Type.String(), {
              description:
                "fields of another person left out (GDPR Art. 15(4)): the address and user agent of a request the caller did not provably make (a refused sign-in against the account, another actor's request, an alert), another subject's details",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    truncated: Type.Boolean({ description: `more than the newest ${EXPORT_AUDIT_LIMIT} entries exist` }),
    limit: Type.Integer(),
  },
  { additionalProperties: false },
);

export function auditPersonalData(reader: AuditPersonalData): readonly PersonalDataSection[] {
  return [
    {
      key: 'known_devices',
      schema: KnownDevices,
      async read(userId) {
        const devices = await reader.knownDevices(userId);
        return devices.map((d) => ({ fingerprint: d.fingerprint, first_seen: new Date(d.firstSeen).toISOString() }));
      },
    },
    {
      key: 'audit',
      schema: AuditSection,
      async read(userId): Promise<Static<typeof AuditSection>> {
        const { entries, truncated } = await reader.auditEntries(userId, EXPORT_AUDIT_LIMIT);
        // The reader's views are the listing's Entry shape (audit/crypto/audit-leaf.ts `auditEntryView`), plus `withheld`.
        return { entries: entries as Static<typeof AuditSection>['entries'], truncated, limit: EXPORT_AUDIT_LIMIT };
      },
    },
  ];
}
