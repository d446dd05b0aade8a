/** The tables of migration 0019 (inbound webhooks), as Kysely sees them. */

/** An org's hook source. Its signing secret is the org's secret `secret_name` (secrets capability). */
export interface WebhookSourceTable {
  id: string;
  org_id: string;
  name: string;
  scheme: string;
  secret_name: string;
  secret_version: number;
  previous_secret_version: number | null;
  previous_secret_until: number | null;
  tolerance_seconds: number;
  created_at: number;
  updated_at: number;
}

/** One verified inbound event (unique per source key and event id). */
export interface WebhookInboxTable {
  id: string;
  /** Null for a platform source's event. */
  org_id: string | null;
  source_key: string;
  source_name: string;
  event_id: string;
  event_type: string | null;
  body: string;
  received_at: number;
  /** Hand-overs to the handlers begun so far. */
  attempts: number;
  next_attempt_at: number;
  /** While set and in the future, one instance is handing the row over. */
  lease_until: number | null;
  processed_at: number | null;
  last_error: string | null;
}

declare module '../../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    webhook_sources: WebhookSourceTable;
    webhook_inbox: WebhookInboxTable;
  }
}
