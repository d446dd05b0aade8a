/**
 * The jobs' tables as Kysely sees them (migration `0017-jobs`). JSON columns are text; no column
 * ever holds a secret value (`secret_names` holds names).
 */
import type { Generated } from 'kysely';

export interface JobTable {
  id: string;
  org_id: string;
  /** The creating principal's id (`usr_…`, `key_…` or a client id). */
  created_by: string;
  /** The creating principal as JSON: kind, id, owner, scopes, confinement (JobActor). */
  creator: string;
  status: string;
  command: string;
  limits: string;
  secret_names: string;
  files: string;
  verify: string | null;
  /** Input bytes while the job waits: `{files:{path:base64}, verify_inputs:[base64]}`; null once it ends. */
  input: string | null;
  exit_code: number | null;
  signal: string | null;
  failure: string | null;
  diff: string | null;
  output_truncated: number;
  usage: string | null;
  instance_id: string | null;
  pinned_instance: string | null;
  cancelled_by: string | null;
  cancel_requested_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface JobLogTable {
  seq: Generated<number>;
  job_id: string;
  org_id: string;
  /** `stdout` or `stderr`. */
  stream: string;
  data: Buffer;
  created_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    jobs: JobTable;
    job_logs: JobLogTable;
  }
}
