/**
 * The compliance capability's table as Kysely sees it (migration `0033-access-review`): the
 * attestations that an org's access review was done. A tenant table (`org_id`).
 */

/** One attestation: the org, when the access was reviewed, who attested it and their note. */
export interface AccessReviewAttestationTable {
  id: string;
  org_id: string;
  reviewed_at: number;
  note: string;
  /** `user`, `api_key` or `service_client`: the principal that attested. */
  actor_type: string;
  actor_id: string;
  created_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    access_review_attestations: AccessReviewAttestationTable;
  }
}
