/**
 * The record of processing activities (GDPR Art. 30(1)), generated from what the capabilities
 * declare (`Capability.privacy`, `Capability.retention`) and the configuration in effect: each
 * activity's purpose, lawful basis, data subjects, personal fields by table, retention (the rule,
 * its variable and the days now set) and recipients; plus what request contexts collect
 * (`RAMPART_COLLECT_IP`, `RAMPART_COLLECT_USER_AGENT`). As JSON (`rampart privacy record --json`)
 * or markdown (`--markdown`). Pure: no I/O; the configuration says nothing secret.
 */
import type { RampartConfig } from '../../kernel/config.js';
import type { PrivacyDeclarations, RetentionRule } from '../../kernel/part.js';

export const PRIVACY_RECORD_FORMAT = 'rampart-record-of-processing';
export const PRIVACY_RECORD_VERSION = 1;

/** One retention line of an activity. */
export interface RecordRetention {
  readonly kind: string;
  readonly description: string;
  readonly variable: string;
  /** The days set now, or null: kept until the variable is set. */
  readonly days: number | null;
}

export interface RecordActivity {
  readonly name: string;
  readonly purpose: string;
  readonly legal_basis: string;
  readonly data_subjects: string;
  readonly personal_data: readonly { readonly table: string; readonly fields: readonly string[] }[];
  /** The retention rules that bound it, or a sentence when none does (`while the account exists`). */
  readonly retention: readonly RecordRetention[] | string;
  readonly recipients: readonly string[];
}

export interface PrivacyRecord {
  readonly format: typeof PRIVACY_RECORD_FORMAT;
  readonly version: number;
  readonly generated_at: string;
  readonly controller: { readonly service: string; readonly security_contact: string | null };
  readonly collection: { readonly ip: string; readonly user_agent: string };
  readonly activities: readonly RecordActivity[];
}

/** Art. 6(1) points, as the record names them. */
const BASES: Readonly<Record<string, string>> = {
  contract: 'Art. 6(1)(b) performance of a contract',
  legal_obligation: 'Art. 6(1)(c) legal obligation',
  legitimate_interests: 'Art. 6(1)(f) legitimate interests (security of the service)',
  consent: 'Art. 6(1)(a) consent',
};

/** The record of `declarations` under `config`, at `now`. */
export function privacyRecord(
  declarations: PrivacyDeclarations,
  config: RampartConfig,
  daysOf: (rule: RetentionRule) => number | undefined,
  now: number,
): PrivacyRecord {
  const rules = new Map(declarations.retention.map((rule) => [rule.kind, rule]));
  const retentionOf = (kinds: readonly string[]): RecordRetention[] =>
    kinds.map((kind) => {
      const rule = rules.get(kind);
      if (rule === undefined) throw new Error(`a processing activity names the retention kind ${kind}, which no capability declares`);
      return { kind, description: rule.description, variable: rule.variable, days: daysOf(rule) ?? null };
    });
  return {
    format: PRIVACY_RECORD_FORMAT,
    version: PRIVACY_RECORD_VERSION,
    generated_at: new Date(now).toISOString(),
    controller: { service: config.publicUrl, security_contact: config.securityContact === '' ? null : config.securityContact },
    collection: { ip: config.collectIp, user_agent: config.collectUserAgent },
    activities: declarations.processing.map((activity) => ({
      name: activity.name,
      purpose: activity.purpose,
      legal_basis: BASES[activity.legalBasis] ?? activity.legalBasis,
      data_subjects: activity.subjects,
      personal_data: Object.entries(activity.fields).map(([table, fields]) => ({ table, fields })),
      retention: typeof activity.retention === 'string' ? activity.retention : retentionOf(activity.retention),
      recipients: activity.recipients,
    })),
  };
}

/** A markdown table cell: pipes and line breaks escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function retentionText(retention: RecordActivity['retention']): string {
  if (typeof retention === 'string') return retention;
  return retention
    .map((line) => `${line.description}: ${line.days === null ? 'kept (off)' : `${line.days} days`} (\`${line.variable}\`)`)
    .join('; ');
}

/** The record as a markdown document. */
export function privacyRecordMarkdown(record: PrivacyRecord): string {
  const lines = [
    '# Record of processing activities (GDPR Art. 30)',
    '',
    `Generated ${record.generated_at} for ${record.controller.service}` +
      (record.controller.security_contact === null ? '.' : `; contact: ${record.controller.security_contact}.`),
    '',
    `Collected with each request: IP address \`${record.collection.ip}\`, user agent \`${record.collection.user_agent}\`.`,
    '',
    '| Activity | Purpose | Lawful basis | Data subjects | Personal data | Retention | Recipients |',
    '|---|---|---|---|---|---|---|',
    ...record.activities.map((activity) =>
      [
        activity.name,
        activity.purpose,
        activity.legal_basis,
        activity.data_subjects,
        activity.personal_data.map((table) => `${table.table}: ${table.fields.join(', ')}`).join('; '),
        retentionText(activity.retention),
        activity.recipients.join(', '),
      ]
        .map(cell)
        .reduce((row, text) => `${row} ${text} |`, '|'),
    ),
    '',
  ];
  return lines.join('\n');
}
