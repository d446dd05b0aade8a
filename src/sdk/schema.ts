/**
 * The Rampart HTTP API's types, generated from the server's OpenAPI document by
 * scripts/generate-sdk.mjs (openapi-typescript). Do not edit: run `npm run sdk:generate`.
 */

export interface paths {
  '/.well-known/jwks.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Public keys of the access-token signer (active and retiring) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/.well-known/openid-configuration': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Authorization-server metadata */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/.well-known/security.txt': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** RFC 9116 security contact */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's API keys (never the key itself), by cursor */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The caller's API keys, in a stable order (by id), never the key itself */
              items: {
                /** Format: date-time */
                created_at: string;
                expires_at: string | null;
                id: string;
                last_used_at: string | null;
                name: string;
                org: string | null;
                /** @description `rk_` and the first characters of the key */
                prefix: string;
                replaced_by: string | null;
                revoked_at: string | null;
                scopes: string[];
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Create an API key; its scopes must be among the creator's permissions; the key is shown once
     * @description Needs a login or a `POST /api/v1/auth/step-up` within RAMPART_STEP_UP_WINDOW: otherwise 401 `step_up_required` with `methods`, the ways to step up. Users only: an API key or a service client is 403 `forbidden`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** Format: date-time */
            expires_at?: string;
            name: string;
            /** @description Org id or slug; required for org-scoped scopes */
            org?: string;
            scopes: string[];
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              expires_at: string | null;
              id: string;
              /** @description The key (`rk_…`), shown this once */
              key: string;
              last_used_at: string | null;
              name: string;
              org: string | null;
              /** @description `rk_` and the first characters of the key */
              prefix: string;
              replaced_by: string | null;
              revoked_at: string | null;
              scopes: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a key, at once on every instance */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-keys/{id}/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Replace a key by a new one (shown once); the old one keeps working for grace_seconds (default 0, at most 24 h) */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description How long the old key keeps working (default 0) */
            grace_seconds?: number;
          } | null;
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              expires_at: string | null;
              id: string;
              /** @description The key (`rk_…`), shown this once */
              key: string;
              last_used_at: string | null;
              name: string;
              org: string | null;
              /** @description `rk_` and the first characters of the key */
              prefix: string;
              replaced_by: string | null;
              revoked_at: string | null;
              scopes: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/artifacts/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The artifact and licence signing keys (JWKS) and the audit log’s verifier key
     * @description Every key of both purposes, active and retired (a retired key verifies until `verify_until`); `kid` is the DSSE `keyid`. Save it to verify offline: `rampart verify-artifact --keys`.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Ed25519 JWKs (`kty` OKP, `crv`, `x`, `kid` = DSSE `keyid`, `use` sig, `alg` EdDSA) with `purpose` (`artifacts` or `licences`), `status` (`active` or `retired`), `not_before`, and for a retired key `retired_at` and `verify_until` (RFC 3339) */
              keys: {
                [key: string]: unknown;
              }[];
              transparency_log: {
                /** @description the audit log's origin: the first line of its checkpoints */
                origin: string;
                /** @description the checkpoint verifier key, C2SP vkey form */
                vkey: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/artifacts/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Verify an artifact signature: `{envelope, digest}` or `{bundle, digest}`
     * @description Stores nothing but its audit entry (`artifact.verify` in the `system` org, the outcome and the failed check). 200 `{valid: true, signer, key_id, logged_at, index}`, or 200 `{valid: false, reason, detail}` naming the first check that failed; 400 `validation_failed` only for a body that does not match this schema. An envelope alone is checked against the published keys and looked up in the audit log; a bundle is checked as `rampart verify-artifact` does, with this deployment’s keys pinned. HMAC envelopes answer `reason: "scheme"`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description `{envelope, digest}` or `{bundle, digest}` */
      requestBody: {
        content: {
          'application/json':
            | {
                /** @description the artifact’s SHA-256, `sha256:<64 hex>` */
                digest: string;
                /** @description A DSSE envelope (secure-systems-lab/dsse envelope.md) */
                envelope: {
                  /** @description standard or URL-safe base64 */
                  payload: string;
                  /** @description `application/vnd.in-toto+json` */
                  payloadType: string;
                  signatures: {
                    /** @description the key id: a JWKS `kid`, or `hmac:<org id>:<version>` */
                    keyid?: string;
                    /** @description standard or URL-safe base64 */
                    sig: string;
                  }[];
                };
              }
            | {
                /** @description An envelope with the proof that it was logged (as a Sigstore bundle carries its Rekor entry) */
                bundle: {
                  /** @description the signed checkpoint (C2SP signed note) of size `inclusion_proof.tree_size` */
                  checkpoint: string;
                  /** @description A DSSE envelope (secure-systems-lab/dsse envelope.md) */
                  envelope: {
                    /** @description standard or URL-safe base64 */
                    payload: string;
                    /** @description `application/vnd.in-toto+json` */
                    payloadType: string;
                    signatures: {
                      /** @description the key id: a JWKS `kid`, or `hmac:<org id>:<version>` */
                      keyid?: string;
                      /** @description standard or URL-safe base64 */
                      sig: string;
                    }[];
                  };
                  inclusion_proof: {
                    /** @description RFC 9162 §2.1.3.1 audit path, base64 hashes */
                    proof: string[];
                    /** @description base64 of the tree root at `tree_size` */
                    root_hash: string;
                    /** @description the size of the checkpoint the proof leads to */
                    tree_size: number;
                  };
                  /** @description the entry's leaf text (RFC 8785 canonical JSON; personal fields only as a commitment); SHA-256(0x00 ‖ leaf) is the tree's leaf hash. Its `details` bind the envelope: `key_id`, `payload_sha256`, `sig_sha256` */
                  log_entry: string;
                  /** @description the signature's entry: its leaf index in the audit log */
                  log_index: number;
                  /** @description `application/vnd.rampart.artifact-bundle.v1+json` */
                  media_type?: string;
                  /** @description false for an HMAC-SHA256 envelope, which only a holder of the org key can verify */
                  publicly_verifiable?: boolean;
                };
                /** @description the artifact’s SHA-256, `sha256:<64 hex>` */
                digest: string;
              };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              detail?: string;
              /** @description the entry’s index in the audit log */
              index?: number;
              key_id?: string;
              /**
               * Format: date-time
               * @description when the signature was logged
               */
              logged_at?: string;
              /** @description when not valid, the first check that failed: `format`, `signature` (no signature by a published key, or it does not verify), `key_window` (the key retired past its window), `digest`, `log_entry` (not logged, or the entry records another envelope), `checkpoint`, `checkpoint_size` (older than the entry), `inclusion_proof`, or `scheme` (an HMAC envelope) */
              reason?: string;
              /** @description the org (id) whose `artifact.sign` entry records the signature */
              signer?: string;
              valid: boolean;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit/checkpoint': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The latest checkpoint: a C2SP tlog-checkpoint (origin `<public host>/rampart/audit`, size, base64 root) in a C2SP signed note
     * @description An entry's leaf is the RFC 8785 canonical JSON of the entry as listed in the spec, without `leaf_hash`: `index`, `timestamp` (RFC 3339 UTC, milliseconds), `org`, `actor` {`type`, `id`}, `action`, `resource`, `result`, `source_ip`, `request_id`, and `reason`, `user_agent`, `details`, `subject` when present (absent ones are omitted, never null). `leaf_hash` = SHA-256(0x00 ‖ leaf) (RFC 9162 §2.1.1). Entries written since migration 0011 have no `subject` in the leaf, and when they hold personal fields (`actor.id` of the subject, `source_ip`, `user_agent`, personal `details` keys) the leaf has them null or omitted and holds `personal: {fields, commitment}` instead, commitment = base64(SHA-256(RFC 8785 of {salt, values})); `rampart audit export` carries the disclosure (or `[erased]`). Entries whose payload retention dropped keep only their leaf hash. Any authenticated caller may read the checkpoint and the proofs, so that a client can verify the inclusion of an entry it caused; the tree size is the number of entries of the whole deployment (a count, never an entry: the entries are listed only with `audit.read`).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description text/plain signed note */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': string;
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit/proof/consistency': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** RFC 9162 §2.1.4 consistency proof from tree size `first` to `second` */
    get: {
      parameters: {
        query: {
          /** @description the earlier tree size (RFC 9162 §2.1.4: at least 1) */
          first: number;
          /** @description the later tree size */
          second: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              first: number;
              proof: string[];
              /** @description standard base64 of a 32-byte SHA-256 hash */
              root_hash: string;
              second: number;
              tree_size: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit/proof/inclusion': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `tree_size` leaves
     * @description An entry's leaf is the RFC 8785 canonical JSON of the entry as listed in the spec, without `leaf_hash`: `index`, `timestamp` (RFC 3339 UTC, milliseconds), `org`, `actor` {`type`, `id`}, `action`, `resource`, `result`, `source_ip`, `request_id`, and `reason`, `user_agent`, `details`, `subject` when present (absent ones are omitted, never null). `leaf_hash` = SHA-256(0x00 ‖ leaf) (RFC 9162 §2.1.1). Entries written since migration 0011 have no `subject` in the leaf, and when they hold personal fields (`actor.id` of the subject, `source_ip`, `user_agent`, personal `details` keys) the leaf has them null or omitted and holds `personal: {fields, commitment}` instead, commitment = base64(SHA-256(RFC 8785 of {salt, values})); `rampart audit export` carries the disclosure (or `[erased]`). Entries whose payload retention dropped keep only their leaf hash.
     */
    get: {
      parameters: {
        query: {
          /** @description leaf index */
          index: number;
          /** @description tree size the proof is for */
          tree_size: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              index: number;
              /** @description standard base64 of a 32-byte SHA-256 hash */
              leaf_hash: string;
              proof: string[];
              /** @description standard base64 of a 32-byte SHA-256 hash */
              root_hash: string;
              tree_size: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit/verifier-key': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The checkpoint signer's key, C2SP vkey `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 key)>`; the name is the log origin */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description text/plain vkey */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': string;
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/csrf': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The CSRF token of the caller's browser session (the X-Rampart-CSRF header value)
     * @description Only for a cookie-authenticated caller; a bearer caller needs no CSRF token (403 `forbidden`).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              csrf_token: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/email/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Confirm an email address with a mailed token (verification or address change)
     * @description 204: a verification token marks the account's address verified (`email_verified: true`); an address-change token moves the account to the new address, verified, and tells the old address. An unknown, used or expired token, or one for an address the account no longer has: 401 `token_invalid`, and nothing changes. The new address taken by another account meanwhile: 409 `conflict`, and nothing changes.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The one-time token from the mailed link (`token=`) */
            token: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/ldap/{directory}/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with an LDAP directory account
     * @description The answer is that of a password login (token grant, or with `mode: "cookie"` a browser session; an account with a second factor gets the MFA challenge first). A wrong password, an unknown or disabled account, and an empty password all get the same 401 `invalid_credentials`; the login rate limits of a password login apply (429 with Retry-After); a directory that cannot be reached is 503 `service_unavailable`. A person signing in for the first time gets an account with the email the directory gives, linked to the directory entry by its stable id; when an account already holds that email, 409 `conflict` (sign in to it and link the directory). Rampart binds as the configured service account, finds the one entry of `username` with the directory's user filter, refuses a disabled entry (its Rampart sessions are revoked), then binds as that entry with the password. The account's name and email follow the directory at each sign-in, and the directory's group mapping sets its roles in the mapped orgs. An unknown directory name is 404 `not_found`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The directory name of RAMPART_LDAP_DIRECTORIES */
          directory: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A name for the session */
            device_name?: string;
            /** @description As on /api/v1/auth/login */
            mode?: 'token' | 'cookie';
            /** @description The directory password. An empty one is refused (401) before the directory is asked. */
            password: string;
            /** @description The login name in the directory (filled into its user filter with RFC 4515 escaping; for PAM, a POSIX user name) */
            username: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  access_token: string;
                  /** @description Send it back as `device_token` at the next login of this account: it passes the account-wide throttle */
                  device_token: string;
                  expires_in: number;
                  refresh_token: string;
                  /**
                   * Format: date-time
                   * @description When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.
                   */
                  session_expires_at?: string;
                  session_id: string;
                  /** @enum {string} */
                  token_type: 'Bearer';
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  /** @description The value of the X-Rampart-CSRF header for this session */
                  csrf_token: string;
                  session_id: string;
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  methods: ('totp' | 'recovery_code' | 'passkey')[];
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Password login: an access token and a rotating refresh token, or (mode "cookie") a browser session
     * @description A wrong email and a wrong password get the same 401 `invalid_credentials`. During an account backoff (after 5 consecutive failures) an attempt from a device that has not signed in to the account before gets that same 401. Past the login rate limits (per address or IPv6 /64, per (account, address), and RAMPART_LOGIN_ACCOUNT_LIMIT untrusted attempts per account per 15 minutes), or when the password hasher cannot take the attempt, 429 with Retry-After. Every successful login sets the `rampart_device` cookie (HttpOnly; SameSite=Strict; Path=/api/v1/auth) and, in token mode, returns `device_token`: sent back (cookie, or `device_token` in the body) it passes the account-wide limit and backoff (docs/decisions/011-login-throttling.md). With `mode: "cookie"` the answer sets `__Host-rampart_session` (HttpOnly; Secure; SameSite=Strict; Path=/; a new session id at every login, idle and absolute timeouts RAMPART_SESSION_IDLE_TIMEOUT / RAMPART_SESSION_ABSOLUTE_TIMEOUT) and returns `{session_id, csrf_token, user}`; the request needs an allowed `Origin` (or `Sec-Fetch-Site: same-origin`), else 403 `csrf_failed`. With a `DPoP` header (RFC 9449 proof, htm POST, htu this URL) a token login binds the refresh tokens to the proof key: every refresh then needs a fresh proof by that key (401 `dpop_invalid` otherwise). With `org` (token mode; id or slug) the access token is that org's: it carries `org` and the caller's permissions there in `scope`, and can act in that org only, within that scope; an org the caller is not an active member of is 404 `not_found` and no session opens. An account with a second factor gives `org` on `/api/v1/auth/mfa/verify` instead (or on a refresh).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            device_name?: string;
            /** @description The `device_token` of an earlier login of this account (token-mode clients; browsers send the `rampart_device` cookie) */
            device_token?: string;
            email: string;
            mode?: 'token' | 'cookie';
            /** @description Org id or slug (token mode only): the access token carries it, and the caller's permissions there in scope; not a member: 404 `not_found`, no session opens */
            org?: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  access_token: string;
                  /** @description Send it back as `device_token` at the next login of this account: it passes the account-wide throttle */
                  device_token: string;
                  expires_in: number;
                  refresh_token: string;
                  /**
                   * Format: date-time
                   * @description When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.
                   */
                  session_expires_at?: string;
                  session_id: string;
                  /** @enum {string} */
                  token_type: 'Bearer';
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  /** @description The value of the X-Rampart-CSRF header for this session */
                  csrf_token: string;
                  session_id: string;
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  methods: ('totp' | 'recovery_code' | 'passkey')[];
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke the current session, at once on every instance */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/mfa/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The second step of a login: a TOTP code or a recovery code for the mfa_token
     * @description A wrong, replayed or used code is 401 `invalid_credentials`. After 5 attempts, or 5 minutes, or once used, the mfa_token is 401 `token_invalid`: log in again. Each code checked also spends one of the account's attempts at that kind of code (RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with every route that checks a code); a new mfa_token does not renew them: past them 429 `rate_limited` with Retry-After. The session opens here: `mode: "cookie"` (and its Origin check) and a `DPoP` header (htu this URL) work as on the login.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
            mfa_token: string;
            mode?: 'token' | 'cookie';
            /** @description Org id or slug (token mode only): the access token carries it, and the caller's permissions there in scope; not a member: 404 `not_found`, no session opens */
            org?: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  access_token: string;
                  /** @description Send it back as `device_token` at the next login of this account: it passes the account-wide throttle */
                  device_token: string;
                  expires_in: number;
                  refresh_token: string;
                  /**
                   * Format: date-time
                   * @description When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.
                   */
                  session_expires_at?: string;
                  session_id: string;
                  /** @enum {string} */
                  token_type: 'Bearer';
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  /** @description The value of the X-Rampart-CSRF header for this session */
                  csrf_token: string;
                  session_id: string;
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/new-device/{token}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The page of a new-device alert link: one button that uses it; changes nothing
     * @description Opening the link (a mail scanner may prefetch it) shows an HTML page with the button that sends the POST; it shows nothing about the account or the device. A link that is not valid, was used or has expired shows a page saying so (404).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The signed link token from the alert mail */
          token: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description HTML page */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'text/html': string;
          };
        };
        /** @description HTML page */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'text/html': string;
          };
        };
      };
    };
    put?: never;
    /**
     * Use a new-device alert link: "this was me" or "this wasn't me", without signing in
     * @description "This was me" (`confirm`) marks the device known to the account. "This wasn't me" (`revoke`) revokes the session that sign-in opened — every session of the account with `everywhere=true` — on every instance within a second, and mails a password reset to the account. Each link works once (using one spends both) until RAMPART_NEW_DEVICE_LINK_TTL after the sign-in; a link that is not valid, was used or has expired is 401 `token_invalid` and changes nothing. No body is read. A browser (`Accept: text/html`) gets an HTML page; any other client the JSON answer.
     */
    post: {
      parameters: {
        query?: {
          /** @description "This wasn't me" only: `true` revokes every session of the account, not only the alerted one */
          everywhere?: 'true' | 'false';
        };
        header?: never;
        path: {
          /** @description The signed link token from the alert mail */
          token: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description What the link did */
              action: 'confirm' | 'revoke';
              /** @description Whether a password-reset mail was sent to the account */
              password_reset: boolean;
              /** @description Ids of the sessions revoked ("this wasn't me") */
              revoked_sessions: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The sign-in providers configured (RAMPART_OIDC_PROVIDERS)
     * @description For a login page: each provider’s name, display name, kind and start URL. No secret, no endpoint. In the configured order, a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The configured sign-in providers */
              items: {
                display_name: string;
                kind: 'oidc' | 'oauth2';
                /** @description The path segment of its routes; identities from it are `oidc:<name>` */
                name: string;
                /** @description Where a browser goes to sign in with it */
                start_url: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/{provider}/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The provider’s redirect back: the login answer (or, for a link, the identity linked)
     * @description The exact redirect URI registered at the provider: `{RAMPART_PUBLIC_URL}/api/v1/auth/oidc/{provider}/callback`. The state cookie must be present and match `state` (else 403 `csrf_failed`, and nothing is asked of the provider); the code is exchanged with the PKCE verifier, and the ID token checked by openid-client (signature, `iss`, `aud`, `exp`, `nonce`): a failed check, a provider error or a replayed code is 401 `invalid_credentials`. Then: a linked identity signs in its account; an unlinked one is linked to the account with its email only when the provider asserts the email verified AND the account’s email is verified — otherwise 409 `conflict` (sign in to the account and link from `/api/v1/me/identities`); no account: one is created only for a provider-verified email when the provider’s `provision` (default RAMPART_SELF_REGISTRATION) allows, else 403 `forbidden`. The answer is the normal login answer in the mode the start asked for: token mode answers the grant as JSON here; cookie mode sets `__Host-rampart_session`; an account with a second factor gets `mfa_required` (finish with `POST /api/v1/auth/mfa/verify`). The state cookie is cleared whatever the outcome.
     */
    get: {
      parameters: {
        query?: {
          /** @description Google (ignored) */
          authuser?: string;
          /** @description The authorization code */
          code?: string;
          /** @description The provider refused (RFC 6749 §4.1.2.1) */
          error?: string;
          /** @description The provider’s explanation */
          error_description?: string;
          /** @description Where the provider explains the error */
          error_uri?: string;
          /** @description Google Workspace domain (ignored) */
          hd?: string;
          /** @description RFC 9207: the issuer that answered */
          iss?: string;
          /** @description Google (ignored) */
          prompt?: string;
          /** @description Scopes granted (Google; ignored) */
          scope?: string;
          /** @description OIDC Session Management (ignored) */
          session_state?: string;
          /** @description The state the start sent */
          state?: string;
        };
        header?: never;
        path: {
          /** @description The provider name, as configured */
          provider: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  access_token: string;
                  /** @description Send it back as `device_token` at the next login of this account: it passes the account-wide throttle */
                  device_token: string;
                  expires_in: number;
                  refresh_token: string;
                  /**
                   * Format: date-time
                   * @description When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.
                   */
                  session_expires_at?: string;
                  session_id: string;
                  /** @enum {string} */
                  token_type: 'Bearer';
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  /** @description The value of the X-Rampart-CSRF header for this session */
                  csrf_token: string;
                  session_id: string;
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  methods: ('totp' | 'recovery_code' | 'passkey')[];
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                }
              | {
                  linked: {
                    /** Format: date-time */
                    created_at: string;
                    /** @description The email the provider gave at the last sign-in */
                    email: string | null;
                    /** @description Whether the provider asserted that email verified */
                    email_verified: boolean;
                    /** @description `ext_…` */
                    id: string;
                    last_used_at: string | null;
                    /** @description `oidc:<name>`, `ldap:<name>` or `pam` */
                    provider: string;
                    /** @description The provider’s stable id of the person */
                    subject: string;
                  };
                };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/{provider}/start': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Start a sign-in at a provider: 302 to it (authorization code, PKCE S256, state, nonce)
     * @description Sets `__Host-rampart_oidc` (HttpOnly; Secure; SameSite=Lax; Path=/; 10 minutes): the sealed state, nonce, PKCE verifier and `mode`, which the callback must find again in the same browser. An unknown provider: 404 `not_found`; a provider whose discovery cannot be reached: 503 `service_unavailable`.
     */
    get: {
      parameters: {
        query?: {
          /** @description The session the callback opens: `token` (default: a token grant in the JSON answer) or `cookie` (a browser session) */
          mode?: 'token' | 'cookie';
        };
        header?: never;
        path: {
          /** @description The provider name, as configured */
          provider: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Location: the provider’s authorization URL */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/pam/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with an account of the server's PAM stack
     * @description The answer is that of a password login (token grant, or with `mode: "cookie"` a browser session; an account with a second factor gets the MFA challenge first). A wrong password, an unknown or disabled account, and an empty password all get the same 401 `invalid_credentials`; the login rate limits of a password login apply (429 with Retry-After); a directory that cannot be reached is 503 `service_unavailable`. A person signing in for the first time gets an account with the email the directory gives, linked to the directory entry by its stable id; when an account already holds that email, 409 `conflict` (sign in to it and link the directory). Rampart asks PAM (service RAMPART_PAM_SERVICE: authenticate, then account management) whether the password is right; the account gets the email `<username>@RAMPART_PAM_EMAIL_DOMAIN`. `username` must be a POSIX user name. Without RAMPART_PAM_SERVICE, 404 `not_found`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A name for the session */
            device_name?: string;
            /** @description As on /api/v1/auth/login */
            mode?: 'token' | 'cookie';
            /** @description The directory password. An empty one is refused (401) before the directory is asked. */
            password: string;
            /** @description The login name in the directory (filled into its user filter with RFC 4515 escaping; for PAM, a POSIX user name) */
            username: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  access_token: string;
                  /** @description Send it back as `device_token` at the next login of this account: it passes the account-wide throttle */
                  device_token: string;
                  expires_in: number;
                  refresh_token: string;
                  /**
                   * Format: date-time
                   * @description When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.
                   */
                  session_expires_at?: string;
                  session_id: string;
                  /** @enum {string} */
                  token_type: 'Bearer';
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  /** @description The value of the X-Rampart-CSRF header for this session */
                  csrf_token: string;
                  session_id: string;
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  methods: ('totp' | 'recovery_code' | 'passkey')[];
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/passkey/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign-in options for a passkey (WebAuthn `PublicKeyCredentialRequestOptionsJSON`)
     * @description Without a body (or `{}`): a username-less sign-in, any passkey of this RP. With `{email}`: only a passkey of that account will be accepted, and the answer has the same shape whether or not the account exists or has passkeys. With `{mfa_token}`: the second step of a password login whose `methods` include `passkey`; the options list that account's passkeys, and each request spends one of the token's 5 attempts (an invalid token: 401 `token_invalid`). `email` and `mfa_token` together: 400 `validation_failed`. The challenge is single use and valid 5 minutes; user verification is required.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Only a passkey of this account is accepted; the answer is the same either way */
            email?: string;
            /** @description The `mfa_token` of a password login that answered `mfa_required` */
            mfa_token?: string;
          } | null;
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              allowCredentials?: {
                id: string;
                transports?: string[];
                /** @enum {string} */
                type: 'public-key';
              }[];
              /** @description base64url; single use, valid 5 minutes */
              challenge: string;
              rpId?: string;
              timeout?: number;
              /** @description Always `required` */
              userVerification?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/passkey/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with a passkey: the login answer
     * @description `response` is the `navigator.credentials.get` result as JSON (`toJSON()`). Without `mfa_token`: a first-factor sign-in; the passkey is user-verified, so it is two factors and the session opens without the MFA step. With `mfa_token`: the second step of that password login (it spends the token as `POST /api/v1/auth/mfa/verify` would). A response that does not answer a live challenge of this ceremony, comes from another origin or RP ID, lacks user verification, is signed by an unknown credential or by a credential of another account, or shows a signature counter that went backwards (a cloned authenticator, raised as a `security.alert`): 401 `invalid_credentials`. `mode: "cookie"` (with an allowed Origin) and a `DPoP` header (htu this URL) work as on the password login; a disabled account is 401 `invalid_credentials`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            device_name?: string;
            /** @description The `mfa_token` of a password login that answered `mfa_required` */
            mfa_token?: string;
            /** @description The session to open: tokens (default) or a browser cookie */
            mode?: 'token' | 'cookie';
            response: {
              authenticatorAttachment?: 'platform' | 'cross-platform';
              /** @description The client's extension outputs (e.g. `credProps`): accepted and ignored */
              clientExtensionResults: {
                [key: string]: unknown;
              };
              /** @description The credential id, base64url */
              id: string;
              /** @description The credential id, base64url */
              rawId: string;
              response: {
                /** @description The authenticator data, base64url */
                authenticatorData: string;
                /** @description The client data, base64url */
                clientDataJSON: string;
                /** @description The assertion signature, base64url */
                signature: string;
                /** @description The user handle, base64url */
                userHandle?: string;
              };
              /** @enum {string} */
              type: 'public-key';
            };
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  access_token: string;
                  /** @description Send it back as `device_token` at the next login of this account: it passes the account-wide throttle */
                  device_token: string;
                  expires_in: number;
                  refresh_token: string;
                  /**
                   * Format: date-time
                   * @description When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.
                   */
                  session_expires_at?: string;
                  session_id: string;
                  /** @enum {string} */
                  token_type: 'Bearer';
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  /** @description The value of the X-Rampart-CSRF header for this session */
                  csrf_token: string;
                  session_id: string;
                  user: {
                    /** Format: date-time */
                    created_at: string;
                    email: string;
                    /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                    email_verified: boolean;
                    /** @description When `email` was verified; null when it is not. */
                    email_verified_at: string | null;
                    id: string;
                    name: string | null;
                    status: 'active' | 'disabled';
                  };
                }
              | {
                  methods: ('totp' | 'recovery_code' | 'passkey')[];
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password/forgot': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask for a password-reset mail
     * @description 202 with the same body, after the same work, whether or not an account has the address; only an active account is mailed, a link (`http://127.0.0.1:8080/password/reset?token=…`, a front-end page that posts the token to `POST /api/v1/auth/password/reset`) and the token: 256 bits, single use, 30 minutes; a newer request replaces it. At most 5 requests per address every 60 minutes, counted whether or not an account has it: past that 429 `rate_limited` with Retry-After.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description An email address */
            email: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Accepted */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * @description The request was taken; any mail it causes is queued for delivery
               * @enum {boolean}
               */
              accepted: true;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password/reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Set a new password with a mailed reset token
     * @description 204: the password is set, the login backoff cleared, the address counts as verified, and every session of the account is revoked on every instance (access tokens refused at once). The password policy applies (400 `validation_failed`, the token unspent). An unknown, used or expired token (30 minutes), or one mailed to an address the account no longer has: 401 `token_invalid`, and nothing changes.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A new password: 12 to 128 characters (Unicode code points, NFC-normalised), no composition rules. Refused (400 `validation_failed`, the error naming the rule, never the password) when it is a common or breached password, repeats one character or a short group (aaaa…, abab…), is made of sequential characters (abcd…, 1234…), or contains the product name, this deployment's host name or a part of the account's email address (NIST SP 800-63B §3.1.1.2). */
            new_password: string;
            /** @description The one-time token from the mailed link (`token=`) */
            token: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password/set': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Set a password with a one-time set-password token (extension; single use, 24 h)
     * @description The token from `POST /api/v1/users` without a password. Single use: a second use, or an expired token, answers 401 `token_invalid`. Every session of the user is revoked.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A new password: 12 to 128 characters (Unicode code points, NFC-normalised), no composition rules. Refused (400 `validation_failed`, the error naming the rule, never the password) when it is a common or breached password, repeats one character or a short group (aaaa…, abab…), is made of sequential characters (abcd…, 1234…), or contains the product name, this deployment's host name or a part of the account's email address (NIST SP 800-63B §3.1.1.2). */
            password: string;
            token: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rotate a refresh token: a new access token and refresh token; the old one is spent
     * @description Presenting a spent refresh token revokes the whole session (401 `session_revoked`), except within RAMPART_REFRESH_REUSE_GRACE (0 s here) of its rotation, when the same successor is returned. A session whose login carried a DPoP proof needs a fresh proof by the same key in the `DPoP` header (htm POST, htu this URL, iat within 60 s, a jti never used before); without it 401 `dpop_invalid`, and nothing changes. With `org` (id or slug), the new access token carries `org` and, in `scope`, the caller's permissions in that org (without it, the caller's platform permissions); an org the caller is not an active member of is 404 `not_found` and the refresh token is not spent.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Org id or slug: the new access token carries it, and the caller's permissions there in scope */
            org?: string;
            refresh_token: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              access_token: string;
              expires_in: number;
              refresh_token: string;
              /**
               * Format: date-time
               * @description When the session ends at the latest (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT after login): no refresh extends it. It ends earlier when not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT, or when revoked.
               */
              session_expires_at?: string;
              session_id: string;
              /** @enum {string} */
              token_type: 'Bearer';
              user: {
                /** Format: date-time */
                created_at: string;
                email: string;
                /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                email_verified: boolean;
                /** @description When `email` was verified; null when it is not. */
                email_verified_at: string | null;
                id: string;
                name: string | null;
                status: 'active' | 'disabled';
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Self-registration (only when RAMPART_SELF_REGISTRATION=true, else 403)
     * @description A taken email is answered exactly as a new one (201 and a user-shaped body whose id names no account); no account is created or changed, and the attempt is audited.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            email: string;
            name?: string;
            /** @description A new password: 12 to 128 characters (Unicode code points, NFC-normalised), no composition rules. Refused (400 `validation_failed`, the error naming the rule, never the password) when it is a common or breached password, repeats one character or a short group (aaaa…, abab…), is made of sequential characters (abcd…, 1234…), or contains the product name, this deployment's host name or a part of the account's email address (NIST SP 800-63B §3.1.1.2). */
            password: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              email: string;
              /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
              email_verified: boolean;
              /** @description When `email` was verified; null when it is not. */
              email_verified_at: string | null;
              id: string;
              name: string | null;
              status: 'active' | 'disabled';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/step-up': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Prove the password or a second factor again: the caller's session is fresh for the protected changes
     * @description `{password}` or `{code}` (a TOTP code or a recovery code). The session may then, for 300 s (RAMPART_STEP_UP_WINDOW), enrol a second factor and create or rotate API keys; a login counts the same. A wrong password or code: 401 `invalid_credentials`. Each attempt, right or wrong, spends one of the account's attempts at that secret (RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with every route that checks it): past them 429 `rate_limited` with Retry-After. A cookie session gets a new id (new cookie and `X-Rampart-CSRF`). Users only: an API key or service client is 403 `forbidden`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json':
            | {
                password: string;
              }
            | {
                /** @description A TOTP code or a recovery code */
                code: string;
              };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * Format: date-time
               * @description Until when step-up protected changes are allowed
               */
              fresh_until: string;
              method: 'password' | 'totp' | 'recovery_code';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/step-up/passkey': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Step up with a passkey: the caller's session is fresh for the protected changes
     * @description A user-verified assertion by one of the caller's passkeys, answering options of this session, counts as a fresh authentication for 300 s (RAMPART_STEP_UP_WINDOW), like `POST /api/v1/auth/step-up` with a password or a code: password change, MFA and passkey removal, API key creation. Any other response: 401 `invalid_credentials`. A cookie session gets a new id (new cookie and `X-Rampart-CSRF`).
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            response: {
              authenticatorAttachment?: 'platform' | 'cross-platform';
              /** @description The client's extension outputs (e.g. `credProps`): accepted and ignored */
              clientExtensionResults: {
                [key: string]: unknown;
              };
              /** @description The credential id, base64url */
              id: string;
              /** @description The credential id, base64url */
              rawId: string;
              response: {
                /** @description The authenticator data, base64url */
                authenticatorData: string;
                /** @description The client data, base64url */
                clientDataJSON: string;
                /** @description The assertion signature, base64url */
                signature: string;
                /** @description The user handle, base64url */
                userHandle?: string;
              };
              /** @enum {string} */
              type: 'public-key';
            };
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * Format: date-time
               * @description Until when step-up protected changes are allowed
               */
              fresh_until: string;
              /** @enum {string} */
              method: 'passkey';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/step-up/passkey/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Step-up options: a passkey assertion of the caller's session (WebAuthn request options)
     * @description The options list the caller's passkeys; the challenge is bound to this session, single use, valid 5 minutes. Users on a session only: an API key or a service client is 403 `forbidden`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              allowCredentials?: {
                id: string;
                transports?: string[];
                /** @enum {string} */
                type: 'public-key';
              }[];
              /** @description base64url; single use, valid 5 minutes */
              challenge: string;
              rpId?: string;
              timeout?: number;
              /** @description Always `required` */
              userVerification?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/authz/check': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ask the authorization decision */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description org id or slug */
            org: string;
            permission: string;
            /** @description the resource; when it names its org, another org is a deny */
            resource?: {
              id?: string;
              /** @description org id or slug */
              org?: string;
              type?: string;
            };
            /** @description a user id; default: the caller */
            subject?: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              allowed: boolean;
              reason: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/hooks/{source}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Receive a webhook from a configured sender; verified over the raw body before anything reads it
     * @description Schemes: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`) and Stripe (`Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`); any listed signature made with the source’s current secret (or, after a change, the previous one for RAMPART_INBOUND_SECRET_OVERLAP) verifies. A missing or bad signature, or a timestamp more than the source’s tolerance (RAMPART_INBOUND_TOLERANCE, 300 s) from now, is 401 `token_invalid` — one answer for every reason — and audited (`webhook.inbound_refused`, aggregated per source). A verified event is stored in the inbox once per event id: a replay answers 200 with `status: duplicate` and is not handed over again. Any media type is accepted; the body is kept byte for byte. Unknown source: 404.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description An org hook source’s id (`src_…`, from `PUT /api/v1/orgs/{org}/hook-sources/{name}`), or the name of a platform source (RAMPART_INBOUND_SOURCES) */
          source: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The sender’s event id (`webhook-id`, or Stripe’s `id`) */
              event_id: string;
              /** @description `accepted`: stored and handed to the application; `duplicate`: this event id was accepted before — nothing is done again */
              status: 'accepted' | 'duplicate';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/licences/{id}/deactivate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the token’s activation, freeing a seat; the token is refused afterwards */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description Bearer <activation token> */
          authorization?: string;
        };
        path: {
          /** @description a licence id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/licences/{id}/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The licence’s status for the installation holding the token, and a fresh token while it is usable
     * @description Reads the licence and the activation from the database on every call, so a revocation on any instance is seen by the next check. 401 `token_invalid` for a forged token, one of another licence or of an ended activation; 401 `token_expired` past its grace period.
     */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description Bearer <activation token> */
          authorization?: string;
        };
        path: {
          /** @description a licence id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description the installation’s activation (a usable licence only) */
              activation_id?: string;
              /** @description the licence's expiry; null: none */
              expires_at: string | null;
              /**
               * Format: date-time
               * @description how long the installation may keep working without a successful check
               */
              grace_until?: string;
              licence_id: string;
              /** @description when to check the status next; null when not valid */
              refresh_after: string | null;
              revoked: boolean;
              /** @description A compact JWS (RFC 7515), alg EdDSA (RFC 8037), header {"alg":"EdDSA","kid":<a licences key of GET /api/v1/artifacts/keys>,"typ":"rampart-licence-activation+jwt"}; claims iss, lic (licence id), org, act (activation id), ins (installation id), product, features, iat, refresh_after, exp, grace (offline grace period, s), grace_until (exp + grace, never past the licence's expiry), licence_expires_at (null: none); times in seconds. Present it as `Authorization: Bearer` to the status and deactivate routes until grace_until. */
              token?: string;
              /**
               * Format: date-time
               * @description the token's exp
               */
              token_expires_at?: string;
              /** @description whether the licence may be used now */
              valid: boolean;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/licences/activate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Activate a licence for an installation: an activation token, up to the licence’s activation limit
     * @description The same installation activating again answers its live activation with a fresh token. 400 for a key that fails its check group, 401 `invalid_credentials` for a key that is not a stored one or whose signature fails, 403 for a revoked, expired or not yet valid licence, 409 when every activation is in use, 429 past the per-address or per-licence limit.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description a stable id the installation chooses for itself; activating again with it is idempotent */
            installation_id: string;
            /** @description the key as issued (case, spaces and hyphens are ignored) */
            licence_key: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description the installation’s activation (a usable licence only) */
              activation_id?: string;
              /** @description the licence's expiry; null: none */
              expires_at: string | null;
              /**
               * Format: date-time
               * @description how long the installation may keep working without a successful check
               */
              grace_until?: string;
              licence_id: string;
              /** @description when to check the status next; null when not valid */
              refresh_after: string | null;
              revoked: boolean;
              /** @description A compact JWS (RFC 7515), alg EdDSA (RFC 8037), header {"alg":"EdDSA","kid":<a licences key of GET /api/v1/artifacts/keys>,"typ":"rampart-licence-activation+jwt"}; claims iss, lic (licence id), org, act (activation id), ins (installation id), product, features, iat, refresh_after, exp, grace (offline grace period, s), grace_until (exp + grace, never past the licence's expiry), licence_expires_at (null: none); times in seconds. Present it as `Authorization: Bearer` to the status and deactivate routes until grace_until. */
              token?: string;
              /**
               * Format: date-time
               * @description the token's exp
               */
              token_expires_at?: string;
              /** @description whether the licence may be used now */
              valid: boolean;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              memberships: {
                org_id: string;
                org_slug: string;
                role: string;
              }[];
              mfa: {
                enabled: boolean;
              };
              user: {
                /** Format: date-time */
                created_at: string;
                email: string;
                /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                email_verified: boolean;
                /** @description When `email` was verified; null when it is not. */
                email_verified_at: string | null;
                id: string;
                name: string | null;
                status: 'active' | 'disabled';
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Erase the caller's account (GDPR Art. 17), confirmed with the password (and a second-factor code when enrolled)
     * @description Every session is revoked on every instance, API keys and memberships go, and the audit log erases the personal fields it holds of the caller (`[erased]`; it stays verifiable). Audited as `user.erase` before anything is removed. A wrong password or code: 401 `invalid_credentials`, counted like a failed sign-in (login limits and backoff). MFA enrolled and no `code`: 401 `mfa_required`. An account without a password: 409 `conflict`. The only owner of an org (with or without other members): 409 `conflict` naming the orgs — make another member an owner, or delete the org, first. The last active owner of the `system` org: 409 `conflict`. An API key or service client: 403 `forbidden`.
     */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A TOTP code or a recovery code; required once MFA is enabled */
            code?: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/email': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Move the account to a new email address (extension; step-up required)
     * @description Needs a fresh authentication (`POST /api/v1/auth/step-up`, else 401 `step_up_required`). 202: a confirmation link (`http://127.0.0.1:8080/email/confirm?token=…`, one hour, single use) goes to the NEW address; nothing changes until it is confirmed at `POST /api/v1/auth/email/confirm`, which switches the address (verified) and tells the old one. The answer is the same when another account has the new address (its owner is told instead, and a confirmation would be 409). The current address: 400 `validation_failed`. At most 5 mails per account and per address every 60 minutes: past that 429 `rate_limited` with Retry-After.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The new address: the confirmation link goes there */
            email: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Accepted */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * @description The request was taken; any mail it causes is queued for delivery
               * @enum {boolean}
               */
              accepted: true;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/email/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Mail the caller a link that verifies the account's email address
     * @description 202: a mail with a one-time link (`http://127.0.0.1:8080/email/confirm?token=…`, a front-end page that posts the token to `POST /api/v1/auth/email/confirm`) and the token itself is queued; it works once, for 24 hours, while the account keeps this address; a newer request replaces it. An address already verified: 409 `conflict`. At most 5 mails per account and per address every 60 minutes: past that 429 `rate_limited` with Retry-After.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Accepted */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * @description The request was taken; any mail it causes is queued for delivery
               * @enum {boolean}
               */
              accepted: true;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Everything held on the caller (GDPR Art. 15/20), as a JSON attachment; users only
     * @description Format `rampart.personal-data-export` version 1, one section per kind of personal data (`known_devices`, `audit`, `account`, `memberships`, `sessions`, `set_password_tokens`, `mfa_challenges`, `security_events`, `api_keys`, `external_identities`, `passkeys`): the account (never a password hash, TOTP secret or recovery-code hash), memberships, every session, API keys (never the key), set-password tokens and second-factor sign-ins (times only), known devices (fingerprints), and the newest 10000 audit entries whose subject or actor is the caller, personal fields disclosed (`truncated` when older ones exist). Audited as `user.export`. At most 10 a minute per caller (429 `rate_limited`). An API key or service client: 403 `forbidden`.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              account: {
                /** Format: date-time */
                created_at: string;
                email: string;
                /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                email_verified: boolean;
                /** @description When `email` was verified; null when it is not. */
                email_verified_at: string | null;
                /** @description consecutive failed sign-ins */
                failed_logins: number;
                id: string;
                login_backoff_until: string | null;
                mfa: {
                  enabled: boolean;
                  recovery_codes: {
                    total: number;
                    unused: number;
                  };
                  totp_confirmed_at: string | null;
                  totp_created_at: string | null;
                };
                name: string | null;
                password_changed_at: string | null;
                password_set: boolean;
                status: 'active' | 'disabled';
                /** Format: date-time */
                updated_at: string;
              };
              api_keys: {
                /** Format: date-time */
                created_at: string;
                expires_at: string | null;
                id: string;
                last_used_at: string | null;
                name: string;
                org: string | null;
                /** @description `rk_` and the first characters of the key */
                prefix: string;
                replaced_by: string | null;
                revoked_at: string | null;
                scopes: string[];
              }[];
              audit: {
                entries: {
                  action: string;
                  actor: {
                    id: string | null;
                    type: 'user' | 'api_key' | 'service' | 'system';
                  };
                  details?: {
                    [key: string]: unknown;
                  };
                  /** @description the entry's leaf index in the deployment-wide tree */
                  index: number;
                  /** @description base64 of SHA-256(0x00 ‖ leaf) */
                  leaf_hash: string;
                  org: string;
                  reason?: string;
                  request_id: string | null;
                  resource: string;
                  result: 'success' | 'failure';
                  source_ip: string | null;
                  /** Format: date-time */
                  timestamp: string;
                  user_agent?: string;
                  /** @description fields of another person left out (GDPR Art. 15(4)): the address and user agent of a request the caller did not provably make (a refused sign-in against the account, another actor's request, an alert), another subject's details */
                  withheld?: string[];
                }[];
                limit: number;
                /** @description more than the newest 10000 entries exist */
                truncated: boolean;
              };
              /** Format: date-time */
              exported_at: string;
              external_identities: {
                /** Format: date-time */
                created_at: string;
                /** @description The email the provider gave at the last sign-in */
                email: string | null;
                /** @description Whether the provider asserted that email verified */
                email_verified: boolean;
                /** @description `ext_…` */
                id: string;
                last_used_at: string | null;
                /** @description `oidc:<name>`, `ldap:<name>` or `pam` */
                provider: string;
                /** @description The provider’s stable id of the person */
                subject: string;
              }[];
              /** @enum {string} */
              format: 'rampart.personal-data-export';
              /** @description devices the new-device alert knows */
              known_devices: {
                /** @description SHA-256 of the user id and user agent */
                fingerprint: string;
                /** Format: date-time */
                first_seen: string;
              }[];
              memberships: {
                org_id: string;
                org_slug: string;
                role: string;
              }[];
              /** @description sign-ins that waited for a second factor */
              mfa_challenges: {
                attempts: number;
                consumed_at: string | null;
                /** Format: date-time */
                created_at: string;
                device_name: string | null;
                /** Format: date-time */
                expires_at: string;
              }[];
              passkeys: {
                /** @description The authenticator model's AAGUID (all zeros when it does not say) */
                aaguid: string;
                /** @description The credential was backed up (synced) at its last use */
                backed_up: boolean;
                /** @description The credential may be synced to other devices (a multi-device passkey) */
                backup_eligible: boolean;
                /** Format: date-time */
                created_at: string;
                /** @description `pk_…` */
                id: string;
                last_used_at: string | null;
                name: string;
                /** @description How the authenticator reaches a client (`internal`, `usb`, `hybrid`…) */
                transports: string[];
              }[];
              security_events: {
                /** @description Devices confirmed with "this was me" (kept as digests of their keys only) */
                confirmed_devices: number;
                events: {
                  alert: {
                    /** Format: date-time */
                    expires_at: string;
                    resolution: string | null;
                    session_id: string;
                  } | null;
                  /** Format: date-time */
                  created_at: string;
                  details: {
                    [key: string]: string;
                  };
                  id: string;
                  ip: string | null;
                  kind: string;
                  user_agent: string | null;
                }[];
              };
              /** @description every session, revoked and expired ones included */
              sessions: {
                /** Format: date-time */
                created_at: string;
                current: boolean;
                device_name: string | null;
                /** Format: date-time */
                expires_at: string;
                id: string;
                ip: string | null;
                /** Format: date-time */
                last_seen_at: string;
                revoke_reason: string | null;
                revoked_at: string | null;
                user_agent: string | null;
              }[];
              set_password_tokens: {
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                expires_at: string;
                used_at: string | null;
              }[];
              /** @enum {number} */
              version: 1;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/identities': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's linked identities (OIDC/OAuth providers, LDAP directories, PAM), by cursor */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The caller's linked identities, in a stable order (by id) */
              items: {
                /** Format: date-time */
                created_at: string;
                /** @description The email the provider gave at the last sign-in */
                email: string | null;
                /** @description Whether the provider asserted that email verified */
                email_verified: boolean;
                /** @description `ext_…` */
                id: string;
                last_used_at: string | null;
                /** @description `oidc:<name>`, `ldap:<name>` or `pam` */
                provider: string;
                /** @description The provider’s stable id of the person */
                subject: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Start linking a provider identity to the caller: the authorization URL to open, and the state cookie
     * @description Sets `__Host-rampart_oidc` (HttpOnly; Secure; SameSite=Lax; 10 minutes) naming the caller: open `authorization_url` in the same browser; the provider redirects to `/api/v1/auth/oidc/{provider}/callback`, which links the identity and answers `{linked}` (409 `conflict` when the identity is linked to another account). Nothing is stored until then. An account with a password or a second factor needs a fresh authentication (401 `step_up_required`). An unknown provider: 404 `not_found`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The name of a configured OIDC/OAuth provider (as in `/api/v1/auth/oidc/{provider}/…`) */
            provider: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Open it in the same browser: the provider redirects back to the callback, which links */
              authorization_url: string;
              /** @description Seconds the flow may take (the state cookie’s lifetime) */
              expires_in: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/identities/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Unlink one of the caller’s identities (never the last way to sign in)
     * @description An account without a password and without a passkey keeps its last identity: 409 `conflict`. An account with a password or a second factor needs a fresh authentication (401 `step_up_required`). Another account’s id: 404.
     */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/invitations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller’s pending invitations (addressed to the account’s email)
     * @description Newest first, a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The caller’s pending invitations, newest first */
              items: {
                /** Format: date-time */
                expires_at: string;
                id: string;
                /** @description the inviting user’s id */
                invited_by: string;
                org: {
                  id: string;
                  name: string;
                  slug: string;
                };
                role: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/invitations/{id}/accept': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Accept an invitation: join its org with its role (410 once expired) */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              org_id: string;
              org_slug: string;
              role: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/invitations/{id}/decline': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Decline an invitation */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/mfa/totp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start (or restart) TOTP enrolment: the secret and its otpauth:// URI
     * @description With TOTP already enabled, 409 `conflict`: disable it first. Needs a login or a `POST /api/v1/auth/step-up` within RAMPART_STEP_UP_WINDOW: otherwise 401 `step_up_required` with `methods`, the ways to step up.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              otpauth_url: string;
              secret: string;
            };
          };
        };
      };
    };
    /**
     * Disable TOTP (and its recovery codes) with a current code or a recovery code
     * @description A wrong, replayed or used code: 400 `validation_failed`. Each code checked spends one of the account's attempts at that kind of code (RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with the MFA login step, step-up and `DELETE /api/v1/me`): past them 429 `rate_limited` with Retry-After, and TOTP stays enabled. Every other session of the account ends with the factor (V7.4.3) unless `keep_other_sessions: true`; the caller’s stays. Audited in `mfa.totp.disable` (`details.end_other_sessions`).
     */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
            /** @description Keep the account’s other sessions. By default (false) every session but this one ends with the factor (V7.4.3) */
            keep_other_sessions?: boolean;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/mfa/totp/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Confirm enrolment with a first code: ten recovery codes, shown once
     * @description With `end_other_sessions: true`, every other session of the account (cookie and token, their refresh tokens) ends at once on every instance; the caller’s stays. Audited in `mfa.totp.confirm` (`details.end_other_sessions`).
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
            /** @description End every other session of the account (V7.4.3): only this one stays signed in. Default false */
            end_other_sessions?: boolean;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              recovery_codes: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/orgs/{org}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Leave an org (its last owner cannot: 409) */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/passkeys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller's passkeys, oldest first, by cursor
     * @description Metadata only: never key material. `next_cursor` is null on the last page.
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The caller's passkeys, oldest first */
              items: {
                /** @description The authenticator model's AAGUID (all zeros when it does not say) */
                aaguid: string;
                /** @description The credential was backed up (synced) at its last use */
                backed_up: boolean;
                /** @description The credential may be synced to other devices (a multi-device passkey) */
                backup_eligible: boolean;
                /** Format: date-time */
                created_at: string;
                /** @description `pk_…` */
                id: string;
                last_used_at: string | null;
                name: string;
                /** @description How the authenticator reaches a client (`internal`, `usb`, `hybrid`…) */
                transports: string[];
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Register a passkey: verify the `navigator.credentials.create` result and store the credential
     * @description `response` is the `PublicKeyCredential` as JSON (`toJSON()`); `name` defaults to "Passkey". The response must answer options of this session (single use, 5 minutes), be made on an origin of RAMPART_WEBAUTHN_ORIGINS for RAMPART_WEBAUTHN_RP_ID, with user verification: otherwise 400 `validation_failed`. A credential already registered, or an account holding 20 passkeys: 409 `conflict`. The passkey then satisfies the MFA requirement of admins, is offered as a second factor after a password login and as a way to step up. A cookie session gets a new id (new cookie and `X-Rampart-CSRF`).
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A name the user recognises the passkey by (no control characters) */
            name?: string;
            response: {
              authenticatorAttachment?: 'platform' | 'cross-platform';
              /** @description The client's extension outputs (e.g. `credProps`): accepted and ignored */
              clientExtensionResults: {
                [key: string]: unknown;
              };
              /** @description The credential id, base64url */
              id: string;
              /** @description The credential id, base64url */
              rawId: string;
              response: {
                /** @description The attestation object (CBOR), base64url */
                attestationObject: string;
                /** @description The authenticator data, base64url */
                authenticatorData?: string;
                /** @description The client data, base64url */
                clientDataJSON: string;
                /** @description The public key (SPKI), base64url */
                publicKey?: string;
                publicKeyAlgorithm?: number;
                transports?: ('ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb')[];
              };
              /** @enum {string} */
              type: 'public-key';
            };
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The authenticator model's AAGUID (all zeros when it does not say) */
              aaguid: string;
              /** @description The credential was backed up (synced) at its last use */
              backed_up: boolean;
              /** @description The credential may be synced to other devices (a multi-device passkey) */
              backup_eligible: boolean;
              /** Format: date-time */
              created_at: string;
              /** @description `pk_…` */
              id: string;
              last_used_at: string | null;
              name: string;
              /** @description How the authenticator reaches a client (`internal`, `usb`, `hybrid`…) */
              transports: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/passkeys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Delete one of the caller's passkeys (another user's id: 404)
     * @description Removing a factor needs a login or a step-up within RAMPART_STEP_UP_WINDOW (else 401 `step_up_required` with `methods`). A cookie session gets a new id (new cookie and `X-Rampart-CSRF`).
     */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Rename one of the caller's passkeys (another user's id: 404)
     * @description A name with a control character is 400 `validation_failed`.
     */
    patch: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description A name the user recognises the passkey by (no control characters) */
            name: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The authenticator model's AAGUID (all zeros when it does not say) */
              aaguid: string;
              /** @description The credential was backed up (synced) at its last use */
              backed_up: boolean;
              /** @description The credential may be synced to other devices (a multi-device passkey) */
              backup_eligible: boolean;
              /** Format: date-time */
              created_at: string;
              /** @description `pk_…` */
              id: string;
              last_used_at: string | null;
              name: string;
              /** @description How the authenticator reaches a client (`internal`, `usb`, `hybrid`…) */
              transports: string[];
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/me/passkeys/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Registration options for a new passkey (WebAuthn `PublicKeyCredentialCreationOptionsJSON`)
     * @description Decode them (`PublicKeyCredential.parseCreationOptionsFromJSON`) and call `navigator.credentials.create`; send the result to `POST /api/v1/me/passkeys` within 5 minutes, from the same session. A discoverable credential with user verification is asked for; the caller's passkeys are excluded. Needs a login or a step-up within RAMPART_STEP_UP_WINDOW (else 401 `step_up_required` with `methods`). Users on a session only: an API key or a service client is 403 `forbidden`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              attestation?: string;
              authenticatorSelection?: {
                authenticatorAttachment?: string;
                requireResidentKey?: boolean;
                residentKey?: string;
                userVerification?: string;
              };
              /** @description base64url; single use, valid 5 minutes, bound to this session */
              challenge: string;
              /** @description The account's passkeys: not registered twice */
              excludeCredentials?: {
                id: string;
                transports?: string[];
                /** @enum {string} */
                type: 'public-key';
              }[];
              extensions?: {
                credProps?: boolean;
              };
              hints?: string[];
              pubKeyCredParams: {
                alg: number;
                /** @enum {string} */
                type: 'public-key';
              }[];
              rp: {
                id?: string;
                name: string;
              };
              timeout?: number;
              user: {
                displayName: string;
                /** @description The user handle: the account id's bytes, base64url */
                id: string;
                name: string;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Change the password; every other session is revoked, and with `revoke_api_keys: true` every API key
     * @description The current password is the proof of a fresh authentication: no step-up is needed, and the session counts as stepped up afterwards. A wrong current password: 401 `invalid_credentials`. Each attempt spends one of the account's password attempts (RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with `POST /api/v1/auth/step-up`): past them 429 `rate_limited` with Retry-After, and nothing changes. Without `revoke_api_keys` (or with `false`): 204. With `revoke_api_keys: true`: 200 `{revoked_api_keys: [id…]}`, the ids of the keys revoked, at once on every instance.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            current_password: string;
            /** @description A new password: 12 to 128 characters (Unicode code points, NFC-normalised), no composition rules. Refused (400 `validation_failed`, the error naming the rule, never the password) when it is a common or breached password, repeats one character or a short group (aaaa…, abab…), is made of sequential characters (abcd…, 1234…), or contains the product name, this deployment's host name or a part of the account's email address (NIST SP 800-63B §3.1.1.2). */
            new_password: string;
            /** @description Also revoke every live API key of the caller (default false) */
            revoke_api_keys?: boolean;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Ids of the API keys this change revoked */
              revoked_api_keys: string[];
            };
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/security-events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller's recent security events, newest first, by cursor
     * @description Sign-ins from new devices, password and email changes, second factors and passkeys added or removed, API keys created, recovery codes used, sessions revoked by an administrator: each was also mailed to the account. Only the caller's own events; a cursor that was altered, or handed to another user, is 400 `validation_failed`.
     */
    get: {
      parameters: {
        query?: {
          /** @description The `next_cursor` of the previous page */
          cursor?: string;
          /** @description Events per page (default 20) */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /**
                 * Format: date-time
                 * @description When it happened
                 */
                created_at: string;
                /** @description Metadata about the event (a device summary and address, a key name): never a secret */
                details: {
                  [key: string]: string;
                };
                /** @description The event id (`sev_…`) */
                id: string;
                /** @description The address of the request that caused it, when there was one */
                ip: string | null;
                /** @description What happened to the account */
                kind:
                  | 'sign_in_new_device'
                  | 'password_changed'
                  | 'password_reset'
                  | 'email_changed'
                  | 'mfa_enabled'
                  | 'mfa_disabled'
                  | 'passkey_added'
                  | 'passkey_removed'
                  | 'api_key_created'
                  | 'recovery_code_used'
                  | 'sessions_revoked_by_admin';
                /** @description The user agent of that request */
                user_agent: string | null;
              }[];
              /** @description Opaque and authenticated; null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller's live sessions
     * @description Oldest first (by creation time, then id), a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The caller's live sessions; `current` marks the one the request came with */
              items: {
                /** Format: date-time */
                created_at: string;
                current: boolean;
                device_name: string | null;
                id: string;
                ip: string | null;
                /** Format: date-time */
                last_seen_at: string;
                user_agent: string | null;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Revoke every other session of the caller, at once on every instance
     * @description Ends every live session of the caller except the one the request comes from (with `include_current=true`, that one too). Needs a fresh authentication (`step_up_required` otherwise, see `POST /api/v1/auth/step-up`). Answers how many sessions it ended.
     */
    delete: {
      parameters: {
        query?: {
          /** @description Also end the session the request comes from (default false) */
          include_current?: boolean;
        };
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description How many sessions were ended */
              revoked: number;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke one of the caller's sessions (another user's id: 404)
     * @description Needs a fresh authentication (`step_up_required` otherwise, see `POST /api/v1/auth/step-up`).
     */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/oauth/introspect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** RFC 7662 token introspection by an authenticated service client; tokens of another org are inactive */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            client_assertion?: string;
            client_assertion_type?: string;
            client_id?: string;
            token: string;
            token_type_hint?: string;
          } & {
            [key: string]: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              active: boolean;
              aud?: string | string[];
              client_id?: string;
              email?: string;
              exp?: number;
              iat?: number;
              iss?: string;
              jti?: string;
              nbf?: number;
              org?: string;
              scope?: string;
              sid?: string;
              sub?: string;
              token_type?: string;
            };
          };
        };
        /** @description RFC 6749 §5.2 error (not problem+json) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              error_description?: string;
            };
          };
        };
        /** @description RFC 6749 §5.2 error (not problem+json) */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/oauth/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** RFC 7009 revocation of a client's own access token; 200 for unknown tokens */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            client_assertion?: string;
            client_assertion_type?: string;
            client_id?: string;
            token: string;
            token_type_hint?: string;
          } & {
            [key: string]: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': Record<string, never>;
          };
        };
        /** @description RFC 6749 §5.2 error (not problem+json) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              error_description?: string;
            };
          };
        };
        /** @description RFC 6749 §5.2 error (not problem+json) */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/oauth/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** RFC 6749 §4.4 client_credentials grant (form-encoded); errors are RFC 6749 §5.2 JSON, not problem+json */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            /** @description The same as `resource`, by its other common name; not both */
            audience?: string;
            client_assertion?: string;
            client_assertion_type?: string;
            client_id?: string;
            grant_type?: string;
            /** @description RFC 8707: the application the token is for (its `aud`); one of the client's `audiences`, else 400 `invalid_target` */
            resource?: string;
            scope?: string;
          } & {
            [key: string]: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              access_token: string;
              expires_in: number;
              scope: string;
              /** @enum {string} */
              token_type: 'Bearer';
            };
          };
        };
        /** @description RFC 6749 §5.2 error (not problem+json) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              error_description?: string;
            };
          };
        };
        /** @description RFC 6749 §5.2 error (not problem+json) */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This OpenAPI 3.1 document */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The orgs the caller belongs to, with its role
     * @description A page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The orgs the caller belongs to, oldest first (by creation time, then id) */
              items: {
                /** Format: date-time */
                created_at: string;
                id: string;
                name: string;
                /** @description The caller's role in the org */
                role: string;
                slug: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /** Create an org; the caller becomes its owner; slugs are unique (409) */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            slug?: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              id: string;
              name: string;
              slug: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Read an org (by id or slug) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              id: string;
              name: string;
              slug: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete an org and every row of its tenant data, in one transaction; audited */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/access-review': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The org's access review: every member, role, API key and service client, with last use
     * @description Who holds access to the org now: every member (role, second factor, latest session activity), every live API key (owner, scopes, expiry, last use) and service client, and the newest attestation. A report, not a list: one document. With `Accept: text/csv` one CSV table instead (RFC 4180, CRLF, a header row; columns `kind,id,name,email,role,scopes,mfa,created_at,expires_at,last_used_at`; `kind` is `member`, `api_key` or `service_client`; a cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`). Permission `audit.read` (auditor, admin, owner). Record its completion with `POST …/access-review/attestations`.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org's live API keys (neither revoked nor expired), oldest first */
              api_keys: {
                /**
                 * Format: date-time
                 * @description When it was created
                 */
                created_at: string;
                /** @description When it expires, or null: never */
                expires_at: string | null;
                /** @description The key id */
                id: string;
                /** @description When it was last used (to within a minute), or null: never */
                last_used_at: string | null;
                /** @description Its name */
                name: string;
                /** @description The owner's email address */
                owner_email: string | null;
                /** @description The user whose authority bounds it */
                owner_id: string;
                /** @description Its public prefix */
                prefix: string;
                /** @description Its scopes (empty: the owner’s whole authority in the org) */
                scopes: string[];
              }[];
              /**
               * @description The document format
               * @enum {string}
               */
              format: 'rampart-access-review';
              /**
               * Format: date-time
               * @description When the report was read
               */
              generated_at: string;
              /** @description The newest attestation, or null: never reviewed */
              last_attestation: {
                /** @description Who recorded it */
                attested_by: {
                  /** @description The principal id (`operator` for the CLI) */
                  id: string;
                  /** @description `user`, `api_key`, `service`, or `system` for the operator on the CLI */
                  type: string;
                };
                /**
                 * Format: date-time
                 * @description When it was recorded
                 */
                created_at: string;
                /** @description The attestation id (`att_…`) */
                id: string;
                /** @description The reviewer's note (findings, changes made) */
                note: string;
                /** @description The org whose access was reviewed */
                org_id: string;
                /**
                 * Format: date-time
                 * @description When the access was reviewed (as the reviewer said, else when it was recorded)
                 */
                reviewed_at: string;
              } | null;
              /** @description Every member, by email */
              members: {
                /** @description The member's email address */
                email: string;
                /** @description The latest activity of any of the user's sessions (deployment-wide), or null */
                last_active_at: string | null;
                /**
                 * Format: date-time
                 * @description When they joined the org
                 */
                member_since: string;
                /** @description Whether they have a second factor (TOTP or a passkey) */
                mfa: boolean;
                /** @description The member's name, if given */
                name: string | null;
                /** @description Their role in the org (built-in or custom) */
                role: string;
                /** @description The account's status (`active`, `disabled`) */
                status: string;
                /** @description The member */
                user_id: string;
              }[];
              /** @description The org */
              org_id: string;
              /** @description The org's live service clients (not revoked), oldest first */
              service_clients: {
                /** @description How it authenticates */
                auth_method: string;
                /**
                 * Format: date-time
                 * @description When it was registered
                 */
                created_at: string;
                /** @description Who registered it */
                created_by: string | null;
                /** @description The client id */
                id: string;
                /** @description Always null: a client's token requests are in the audit log (`oauth.token`), not on the client */
                last_used_at: null;
                /** @description Its name */
                name: string;
                /** @description Its scopes */
                scopes: string[];
              }[];
              /** @description The format version (1) */
              version: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/access-review/attestations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The org's access review attestations, newest first
     * @description Every recorded completion of the access review, newest first, as `{items, next_cursor}`. Permission `audit.read`.
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The attestations, newest first */
              items: {
                /** @description Who recorded it */
                attested_by: {
                  /** @description The principal id (`operator` for the CLI) */
                  id: string;
                  /** @description `user`, `api_key`, `service`, or `system` for the operator on the CLI */
                  type: string;
                };
                /**
                 * Format: date-time
                 * @description When it was recorded
                 */
                created_at: string;
                /** @description The attestation id (`att_…`) */
                id: string;
                /** @description The reviewer's note (findings, changes made) */
                note: string;
                /** @description The org whose access was reviewed */
                org_id: string;
                /**
                 * Format: date-time
                 * @description When the access was reviewed (as the reviewer said, else when it was recorded)
                 */
                reviewed_at: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Record that the org's access review was done
     * @description Records an attestation that the access review was completed (at `reviewed_at`, default now), with the reviewer’s note. Audited as `access_review.attest` before it is stored (503 `audit_unavailable` when the log cannot record); kept, never updated. Permission `audit.read`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description What was reviewed and found, changes made (1 to 2000 characters) */
            note: string;
            /**
             * Format: date-time
             * @description When the access was reviewed; default now; not in the future
             */
            reviewed_at?: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Who recorded it */
              attested_by: {
                /** @description The principal id (`operator` for the CLI) */
                id: string;
                /** @description `user`, `api_key`, `service`, or `system` for the operator on the CLI */
                type: string;
              };
              /**
               * Format: date-time
               * @description When it was recorded
               */
              created_at: string;
              /** @description The attestation id (`att_…`) */
              id: string;
              /** @description The reviewer's note (findings, changes made) */
              note: string;
              /** @description The org whose access was reviewed */
              org_id: string;
              /**
               * Format: date-time
               * @description When the access was reviewed (as the reviewer said, else when it was recorded)
               */
              reviewed_at: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/artifacts/sign': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign an artifact: a DSSE envelope over an in-toto Statement v1, logged in the audit tree, with its bundle
     * @description Audited as `artifact.sign` (entry first: if the log refuses, 503 `audit_unavailable` and no envelope). The answer waits until the entry is in the tree and covered by a signed checkpoint, so the bundle is complete: verify it offline with `rampart verify-artifact`. With `scheme: "hmac-sha256"` the envelope is signed with the org’s shared key and marked `publicly_verifiable: false`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description the artifact’s SHA-256, `sha256:<64 hex>` */
            digest: string;
            /** @description the artifact’s name (the statement’s subject name) */
            name: string;
            /** @description the statement’s `predicate` (a JSON object, at most 64 KiB); `{}` by default */
            predicate?: {
              [key: string]: unknown;
            };
            /** @description the statement’s `predicateType` (a URI); by default a bare signature */
            predicate_type?: string;
            /** @description `ed25519` (default): the deployment’s artifact key, publicly verifiable. `hmac-sha256`: the org’s shared key (its secret `artifacts.hmac-key`, made on first use) for internal pipelines, NOT publicly verifiable */
            scheme?: 'ed25519' | 'hmac-sha256';
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description An envelope with the proof that it was logged (as a Sigstore bundle carries its Rekor entry) */
              bundle: {
                /** @description the signed checkpoint (C2SP signed note) of size `inclusion_proof.tree_size` */
                checkpoint: string;
                /** @description A DSSE envelope (secure-systems-lab/dsse envelope.md) */
                envelope: {
                  /** @description standard or URL-safe base64 */
                  payload: string;
                  /** @description `application/vnd.in-toto+json` */
                  payloadType: string;
                  signatures: {
                    /** @description the key id: a JWKS `kid`, or `hmac:<org id>:<version>` */
                    keyid?: string;
                    /** @description standard or URL-safe base64 */
                    sig: string;
                  }[];
                };
                inclusion_proof: {
                  /** @description RFC 9162 §2.1.3.1 audit path, base64 hashes */
                  proof: string[];
                  /** @description base64 of the tree root at `tree_size` */
                  root_hash: string;
                  /** @description the size of the checkpoint the proof leads to */
                  tree_size: number;
                };
                /** @description the entry's leaf text (RFC 8785 canonical JSON; personal fields only as a commitment); SHA-256(0x00 ‖ leaf) is the tree's leaf hash. Its `details` bind the envelope: `key_id`, `payload_sha256`, `sig_sha256` */
                log_entry: string;
                /** @description the signature's entry: its leaf index in the audit log */
                log_index: number;
                /** @description `application/vnd.rampart.artifact-bundle.v1+json` */
                media_type?: string;
                /** @description false for an HMAC-SHA256 envelope, which only a holder of the org key can verify */
                publicly_verifiable?: boolean;
              };
              /** @description A DSSE envelope (secure-systems-lab/dsse envelope.md) */
              envelope: {
                /** @description standard or URL-safe base64 */
                payload: string;
                /** @description `application/vnd.in-toto+json` */
                payloadType: string;
                signatures: {
                  /** @description the key id: a JWKS `kid`, or `hmac:<org id>:<version>` */
                  keyid?: string;
                  /** @description standard or URL-safe base64 */
                  sig: string;
                }[];
              };
              key_id: string;
              publicly_verifiable: boolean;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The org's audit entries, with the spec's filters and cursor pagination
     * @description Newest first. Personal fields (`actor.id` of the subject, `source_ip`, `user_agent`, personal `details` keys) are sealed per subject: they read `[erased]` once the subject was erased (GDPR Art. 17). For such entries the leaf holds `personal: {commitment, fields}` instead of their values and no `subject`, so `leaf_hash` verifies from `rampart audit export`, which carries the leaf text.
     */
    get: {
      parameters: {
        query?: {
          action?: string;
          /** @description actor id */
          actor?: string;
          /** @description next_cursor of the previous page of this listing: opaque and authenticated (another, or an edited one: 400) */
          cursor?: string;
          limit?: number;
          result?: 'success' | 'failure';
          /** @description RFC 3339; entries at or after */
          since?: string;
          /** @description RFC 3339; entries before */
          until?: string;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              entries: {
                action: string;
                actor: {
                  id: string | null;
                  type: 'user' | 'api_key' | 'service' | 'system';
                };
                details?: {
                  [key: string]: unknown;
                };
                /** @description the entry's leaf index in the deployment-wide tree */
                index: number;
                /** @description base64 of SHA-256(0x00 ‖ leaf) */
                leaf_hash: string;
                org: string;
                reason?: string;
                request_id: string | null;
                resource: string;
                result: 'success' | 'failure';
                source_ip: string | null;
                /** Format: date-time */
                timestamp: string;
                user_agent?: string;
              }[];
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/clients': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The org's service clients (never a secret)
     * @description Oldest first (by creation time, then id), a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org's service clients */
              items: {
                /** @description The audiences its tokens may be issued for besides Rampart (RFC 8707) */
                audiences: string[];
                auth_method: string;
                client_id: string;
                /** Format: date-time */
                created_at: string;
                created_by: string;
                name: string;
                org: string;
                revoked_at: string | null;
                scopes: string[];
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /** Register an OAuth service client; its scopes must be among the creator's permissions; a client secret is shown once */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The applications (absolute https URIs, http on loopback; no fragment) this client may ask its tokens to be for, with `resource` (RFC 8707) or `audience` on the token endpoint; none by default: its tokens are for Rampart */
            audiences?: string[];
            auth_method: 'client_secret_basic' | 'private_key_jwt';
            /** @description private_key_jwt: the public keys (RFC 7517 JWK Set) that sign client assertions */
            jwks?: {
              keys: {
                alg?: string;
                crv?: string;
                e?: string;
                key_ops?: string[];
                kid?: string;
                kty: 'RSA' | 'EC' | 'OKP';
                n?: string;
                use?: string;
                x?: string;
                y?: string;
              }[];
            };
            name: string;
            scopes: string[];
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The audiences its tokens may be issued for besides Rampart (RFC 8707) */
              audiences: string[];
              auth_method: string;
              client_id: string;
              /** @description client_secret_basic: shown this once */
              client_secret?: string;
              /** Format: date-time */
              created_at: string;
              created_by: string;
              name: string;
              org: string;
              revoked_at: string | null;
              scopes: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/clients/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a client and every token it holds, at once on every instance */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Export the org's data (GDPR Art. 20) as JSON or CSV, streamed
     * @description Streams the org's data as an attachment (`Content-Disposition`), read 500 rows at a time — not one snapshot: a row changed during the export may appear as before or after. JSON: `{"format":"rampart.org-export","version":1,"exported_at","org_id","sections":{<section>:[rows…]}}`. CSV: each section is a table with a header row (RFC 4180, CRLF, quoted when needed; arrays are space-separated; a cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so that no spreadsheet runs it as a formula); all sections together are one `multipart/mixed` body, one `text/csv` part per section named `<section>.csv`, in this order. Sections: `secrets` (The org's secrets by name: the newest version and the lowest one a reveal accepts (never a value).); `secret_versions` (Every stored version of each secret: its number and when it was written (never the value or its ciphertext).); `org` (The org itself (one row).); `members` (The org's members: the account's id, email and name, the role, and when they joined.); `roles` (The org's custom roles (the built-in ones are the same everywhere): name, permissions, version.); `role_versions` (Every version of each custom role: its permissions, who made it and when.); `invitations` (Pending invitations: the invited email, the role offered, who invited, and when it expires (never the invitation token).); `api_keys` (API keys confined to the org: name, display prefix, creator, scopes and lifetime (never the key or its hash).); `service_clients` (The org's OAuth service clients: name, authentication method, scopes, creator (never the client secret or its hash).). Metadata only: never a secret value, a key, a client secret, a hash of one or a ciphertext. Permission `org.export` (owner and admin); audited as `org.export` before anything is read (503 `audit_unavailable` when the log cannot record). At most 10 a minute per caller (429 `rate_limited`).
     */
    get: {
      parameters: {
        query?: {
          /** @description `json` (default): one document. `csv`: one table per section (see `section`). */
          format?: 'json' | 'csv';
          /** @description Only this section. With `format=csv` the answer is then one `text/csv` table instead of `multipart/mixed`. */
          section?:
            'secrets' | 'secret_versions' | 'org' | 'members' | 'roles' | 'role_versions' | 'invitations' | 'api_keys' | 'service_clients';
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description `application/json`, `text/csv; header=present` (one section) or `multipart/mixed` (every section as CSV) */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': string;
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/hook-sources': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The org’s inbound hook sources (never a secret)
     * @description By name, a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org’s inbound hook sources, by name */
              items: {
                /** Format: date-time */
                created_at: string;
                /** @description `src_…` */
                id: string;
                name: string;
                /** @description Until when the replaced secret still verifies; null when none does */
                previous_secret_until: string | null;
                /** @description `standard-webhooks` (secret `whsec_<base64>`) or `stripe` (the endpoint’s signing secret, `whsec_…`) */
                scheme: 'standard-webhooks' | 'stripe';
                tolerance_seconds: number;
                /** Format: date-time */
                updated_at: string;
                /** @description Where the sender posts: `/api/v1/hooks/src_…` under RAMPART_PUBLIC_URL */
                url: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/hook-sources/{source}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One inbound hook source, by name or id */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
          /** @description the source’s name or its `src_…` id */
          source: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              /** @description `src_…` */
              id: string;
              name: string;
              /** @description Until when the replaced secret still verifies; null when none does */
              previous_secret_until: string | null;
              /** @description `standard-webhooks` (secret `whsec_<base64>`) or `stripe` (the endpoint’s signing secret, `whsec_…`) */
              scheme: 'standard-webhooks' | 'stripe';
              tolerance_seconds: number;
              /** Format: date-time */
              updated_at: string;
              /** @description Where the sender posts: `/api/v1/hooks/src_…` under RAMPART_PUBLIC_URL */
              url: string;
            };
          };
        };
      };
    };
    /**
     * Create or change an inbound hook source (201 created, 200 changed); the secret is never returned
     * @description A source is a sender of inbound webhooks. Its events are posted to the answer’s `url` (`POST /api/v1/hooks/src_…`) and handed to the application by `rampart.webhooks.hooks.on(name, handler)`. Names are unique in the org.
     */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
          /** @description the source’s name (lower-case letters, digits, `-`, `_`; not `src_…`) */
          source: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description `standard-webhooks` (secret `whsec_<base64>`) or `stripe` (the endpoint’s signing secret, `whsec_…`) */
            scheme?: 'standard-webhooks' | 'stripe';
            /** @description The signing secret the sender gave you: required to create; on a change it replaces the secret, the old one still verifying for RAMPART_INBOUND_SECRET_OVERLAP. Never returned. */
            secret?: string;
            /** @description Seconds a signature’s timestamp may be from now, either way (default RAMPART_INBOUND_TOLERANCE) */
            tolerance_seconds?: number;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              /** @description `src_…` */
              id: string;
              name: string;
              /** @description Until when the replaced secret still verifies; null when none does */
              previous_secret_until: string | null;
              /** @description `standard-webhooks` (secret `whsec_<base64>`) or `stripe` (the endpoint’s signing secret, `whsec_…`) */
              scheme: 'standard-webhooks' | 'stripe';
              tolerance_seconds: number;
              /** Format: date-time */
              updated_at: string;
              /** @description Where the sender posts: `/api/v1/hooks/src_…` under RAMPART_PUBLIC_URL */
              url: string;
            };
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              /** @description `src_…` */
              id: string;
              name: string;
              /** @description Until when the replaced secret still verifies; null when none does */
              previous_secret_until: string | null;
              /** @description `standard-webhooks` (secret `whsec_<base64>`) or `stripe` (the endpoint’s signing secret, `whsec_…`) */
              scheme: 'standard-webhooks' | 'stripe';
              tolerance_seconds: number;
              /** Format: date-time */
              updated_at: string;
              /** @description Where the sender posts: `/api/v1/hooks/src_…` under RAMPART_PUBLIC_URL */
              url: string;
            };
          };
        };
      };
    };
    post?: never;
    /** Delete an inbound hook source and its secret; events already accepted stay in the inbox */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
          /** @description the source’s name or its `src_…` id */
          source: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/invitations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The org’s pending invitations, newest first
     * @description A page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org’s pending invitations, newest first */
              items: {
                /** Format: date-time */
                created_at: string;
                email: string;
                /** Format: date-time */
                expires_at: string;
                id: string;
                /** @description the inviting user’s id */
                invited_by: string;
                role: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/invitations/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a pending invitation; audited */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The org’s jobs, newest first, by cursor */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org’s jobs, newest first */
              items: {
                cancelled_by: string | null;
                /** @description argv */
                command: string[];
                /** Format: date-time */
                created_at: string;
                created_by: {
                  id: string;
                  type: string;
                };
                diff: string | null;
                exit_code: number | null;
                failure: string | null;
                /** @description the input files placed in the work directory (names and sizes; the bytes are kept only until the job ends) */
                files: {
                  path: string;
                  /** @description bytes */
                  size: number;
                }[];
                finished_at: string | null;
                /** @description `job_…` */
                id: string;
                limits: {
                  /** @description CPU seconds (RLIMIT_CPU) */
                  cpu_seconds: number;
                  /** @description MiB of the writable work directory and /tmp */
                  disk_mb: number;
                  /** @description MiB of memory */
                  memory_mb: number;
                  /** @description open file descriptors */
                  open_files: number;
                  /** @description processes at once */
                  pids: number;
                  /** @description seconds of wall-clock time before the whole tree is killed (`timed_out`) */
                  wall_seconds: number;
                };
                /** @description true when output past the configured cap was cut */
                output_truncated: boolean;
                /** @description names of the org secrets given to the job as environment variables (never values) */
                secrets: string[];
                signal: string | null;
                started_at: string | null;
                /** @description `queued`, `running`, then one of `succeeded`, `failed`, `cancelled`, `timed_out`, `interrupted` (never rerun) */
                status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'interrupted';
                usage: {
                  cpu_ms: number;
                  max_rss_kb: number;
                  wall_ms: number;
                } | null;
                verify: {
                  /** @description how many inputs */
                  inputs: number;
                  reference: string[];
                } | null;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Queue a job: a command run in the sandbox with no network, hard limits, files and secrets
     * @description Answers 202 `{id, status: "queued"}`. Refused before anything is stored: a sandbox that cannot be set up is 503 `sandbox_unavailable` (with the reason); `network: true`, a limit above its maximum, a bad file name, files past `disk_mb` or undecodable base64 are 400 `validation_failed`; secrets the creator may not read are 403, unknown ones 404. The body limit of this route is `RAMPART_JOBS_BODY_LIMIT` (413 past it).
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description argv; `argv[0]` is resolved inside the sandbox’s read-only root */
            command: string[];
            /** @description relative path → standard base64 bytes, placed in the work directory before the command starts; no `..`, `.`, NUL, control characters, backslash or absolute path (400); at most 256 files, together within `disk_mb` */
            files?: {
              [key: string]: string;
            };
            /** @description each at most its configured maximum (`RAMPART_JOBS_LIMIT_MAX`; more is 400); unset ones take `RAMPART_JOBS_LIMIT_DEFAULT` */
            limits?: {
              /** @description CPU seconds */
              cpu_seconds?: number;
              /** @description MiB of writable space */
              disk_mb?: number;
              /** @description MiB of memory */
              memory_mb?: number;
              /** @description open file descriptors */
              open_files?: number;
              /** @description processes */
              pids?: number;
              /** @description wall-clock seconds */
              wall_seconds?: number;
            };
            /** @description must be false (or absent): jobs have no network; `true` is 400 `validation_failed` */
            network?: boolean;
            /** @description names of org secrets the creator may read (`secrets.read`, checked at creation and again at start), given to the job as environment variables of the same name; values are never stored or logged */
            secrets?: string[];
            /** @description a verified run: the command and the reference both run, sandboxed, on each input; the first stdout that differs ends the job `failed` with `failure: "verification_failed"` and a unified `diff` */
            verify?: {
              /** @description standard base64 inputs, each fed on stdin to both */
              inputs: string[];
              /** @description argv; `argv[0]` is resolved inside the sandbox’s read-only root */
              reference: string[];
            };
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @enum {string} */
              status: 'queued';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/jobs/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A job: its status, exit code or signal, limits, timings and the resources it used */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description `job_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              cancelled_by: string | null;
              /** @description argv */
              command: string[];
              /** Format: date-time */
              created_at: string;
              created_by: {
                id: string;
                type: string;
              };
              diff: string | null;
              exit_code: number | null;
              failure: string | null;
              /** @description the input files placed in the work directory (names and sizes; the bytes are kept only until the job ends) */
              files: {
                path: string;
                /** @description bytes */
                size: number;
              }[];
              finished_at: string | null;
              /** @description `job_…` */
              id: string;
              limits: {
                /** @description CPU seconds (RLIMIT_CPU) */
                cpu_seconds: number;
                /** @description MiB of the writable work directory and /tmp */
                disk_mb: number;
                /** @description MiB of memory */
                memory_mb: number;
                /** @description open file descriptors */
                open_files: number;
                /** @description processes at once */
                pids: number;
                /** @description seconds of wall-clock time before the whole tree is killed (`timed_out`) */
                wall_seconds: number;
              };
              /** @description true when output past the configured cap was cut */
              output_truncated: boolean;
              /** @description names of the org secrets given to the job as environment variables (never values) */
              secrets: string[];
              signal: string | null;
              started_at: string | null;
              /** @description `queued`, `running`, then one of `succeeded`, `failed`, `cancelled`, `timed_out`, `interrupted` (never rerun) */
              status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'interrupted';
              usage: {
                cpu_ms: number;
                max_rss_kb: number;
                wall_ms: number;
              } | null;
              verify: {
                /** @description how many inputs */
                inputs: number;
                reference: string[];
              } | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/jobs/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a job: the whole process tree ends at once; records who cancelled
     * @description A queued job ends `cancelled` at once; a running one is stopped by the instance running it (the answer waits up to 5 s for it when that is this instance). A job that has already ended is 409 `conflict`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description `job_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              cancelled_by: string | null;
              /** @description argv */
              command: string[];
              /** Format: date-time */
              created_at: string;
              created_by: {
                id: string;
                type: string;
              };
              diff: string | null;
              exit_code: number | null;
              failure: string | null;
              /** @description the input files placed in the work directory (names and sizes; the bytes are kept only until the job ends) */
              files: {
                path: string;
                /** @description bytes */
                size: number;
              }[];
              finished_at: string | null;
              /** @description `job_…` */
              id: string;
              limits: {
                /** @description CPU seconds (RLIMIT_CPU) */
                cpu_seconds: number;
                /** @description MiB of the writable work directory and /tmp */
                disk_mb: number;
                /** @description MiB of memory */
                memory_mb: number;
                /** @description open file descriptors */
                open_files: number;
                /** @description processes at once */
                pids: number;
                /** @description seconds of wall-clock time before the whole tree is killed (`timed_out`) */
                wall_seconds: number;
              };
              /** @description true when output past the configured cap was cut */
              output_truncated: boolean;
              /** @description names of the org secrets given to the job as environment variables (never values) */
              secrets: string[];
              signal: string | null;
              started_at: string | null;
              /** @description `queued`, `running`, then one of `succeeded`, `failed`, `cancelled`, `timed_out`, `interrupted` (never rerun) */
              status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'interrupted';
              usage: {
                cpu_ms: number;
                max_rss_kb: number;
                wall_ms: number;
              } | null;
              verify: {
                /** @description how many inputs */
                inputs: number;
                reference: string[];
              } | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/jobs/{id}/logs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A job’s output; with `Accept: text/event-stream`, streamed live (SSE)
     * @description JSON: the kept stdout and stderr as text. With `Accept: text/event-stream`: one event per chunk (`id` its position, `event` `stdout`/`stderr`, `data` the bytes in base64), `Last-Event-ID` resumes after a position, `event: end` (`{status, exit_code, failure}`) closes it once the job has ended. Only members of the job’s org holding `jobs.read`: checked on every subscribe and while streaming — a member removed, a role losing `jobs.read` or a revoked session ends the stream (`event: revoked`) within a second.
     */
    get: {
      parameters: {
        query?: never;
        header?: {
          'last-event-id'?: string;
        };
        path: {
          /** @description `job_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description `queued`, `running`, then one of `succeeded`, `failed`, `cancelled`, `timed_out`, `interrupted` (never rerun) */
              status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'interrupted';
              stderr: string;
              /** @description UTF-8 (invalid sequences replaced by U+FFFD); the SSE form carries the exact bytes */
              stdout: string;
              /** @description true when output past the configured cap was cut */
              truncated: boolean;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/licences': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The org's licences by id, a page at a time (never a key) */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org's licences, by id (never a key) */
              items: {
                /** @description live activations now (on a read of one licence) */
                activations_in_use?: number;
                /** Format: date-time */
                created_at: string;
                created_by: string;
                /** @description null: no expiry */
                expires_at: string | null;
                /** @description sorted, without duplicates */
                features: string[];
                /** @description `lic_` and 32 hex digits */
                id: string;
                /** @description the `licences` signing key (GET /api/v1/artifacts/keys) that signed the key */
                key_id: string;
                /** @description how many installations may hold a live activation at once */
                max_activations: number;
                /** Format: date-time */
                not_before: string;
                /** @description the org id */
                org: string;
                product: string;
                revoked_at: string | null;
                revoked_by: string | null;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Issue a signed licence key; the key is shown once and only its hash is stored
     * @description The key is an Ed25519 signature (by the deployment’s `licences` key) over the licence’s canonical terms, in a copy-pasteable text form with a check group that catches a typo before any network call.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description RFC 3339; default null, no expiry */
            expires_at?: string | null;
            /** @description the features it unlocks (default none) */
            features?: string[];
            /** @description seats: how many installations may hold a live activation together */
            max_activations: number;
            /**
             * Format: date-time
             * @description RFC 3339; default now
             */
            not_before?: string;
            /** @description the product the licence is for */
            product: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description live activations now (on a read of one licence) */
              activations_in_use?: number;
              /** Format: date-time */
              created_at: string;
              created_by: string;
              /** @description null: no expiry */
              expires_at: string | null;
              /** @description sorted, without duplicates */
              features: string[];
              /** @description `lic_` and 32 hex digits */
              id: string;
              /** @description the `licences` signing key (GET /api/v1/artifacts/keys) that signed the key */
              key_id: string;
              /** @description The licence key, shown this once: `RLK1-` then 16 groups of 8 RFC 4648 base32 characters (the 16 bytes of the licence id, then the 64-byte Ed25519 signature by the `licences` key of the RFC 8785 canonical JSON `{typ:"rampart-licence-key/v1", licence, org, product, features, max_activations, nbf, exp}`, times in ms), then `-` and an 8-character check group: base32 of the first 5 bytes of SHA-256("RLK1" ‖ those 80 bytes). Case, spaces and hyphens are ignored when read. */
              licence_key: string;
              /** @description how many installations may hold a live activation at once */
              max_activations: number;
              /** Format: date-time */
              not_before: string;
              /** @description the org id */
              org: string;
              product: string;
              revoked_at: string | null;
              revoked_by: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/licences/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One licence with its live activations counted (never its key) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description a licence id */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description live activations now (on a read of one licence) */
              activations_in_use?: number;
              /** Format: date-time */
              created_at: string;
              created_by: string;
              /** @description null: no expiry */
              expires_at: string | null;
              /** @description sorted, without duplicates */
              features: string[];
              /** @description `lic_` and 32 hex digits */
              id: string;
              /** @description the `licences` signing key (GET /api/v1/artifacts/keys) that signed the key */
              key_id: string;
              /** @description how many installations may hold a live activation at once */
              max_activations: number;
              /** Format: date-time */
              not_before: string;
              /** @description the org id */
              org: string;
              product: string;
              revoked_at: string | null;
              revoked_by: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/licences/{id}/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Revoke a licence: the next status check of each of its installations, on every instance, answers valid: false
     * @description A revoked licence cannot be activated again; revoking it twice is 409 `conflict`.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description a licence id */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description live activations now (on a read of one licence) */
              activations_in_use?: number;
              /** Format: date-time */
              created_at: string;
              created_by: string;
              /** @description null: no expiry */
              expires_at: string | null;
              /** @description sorted, without duplicates */
              features: string[];
              /** @description `lic_` and 32 hex digits */
              id: string;
              /** @description the `licences` signing key (GET /api/v1/artifacts/keys) that signed the key */
              key_id: string;
              /** @description how many installations may hold a live activation at once */
              max_activations: number;
              /** Format: date-time */
              not_before: string;
              /** @description the org id */
              org: string;
              product: string;
              revoked_at: string | null;
              revoked_by: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/members': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the members of an org
     * @description Longest-standing first (by the time they joined, then user id), a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org's members */
              items: {
                /** Format: date-time */
                created_at: string;
                email: string;
                name: string | null;
                role: string;
                user_id: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /** Invite by email (202, whether or not the email has an account; nothing changes until the invitee accepts) or, as a platform admin, add an account by id (201); the role no higher than the caller’s */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      /** @description exactly one of email (an invitation) and user_id (a direct add: platform admins only) */
      requestBody: {
        content: {
          'application/json': {
            email?: string;
            role: string;
            user_id?: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              email: string;
              name: string | null;
              role: string;
              user_id: string;
            };
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              expires_at: string;
              invitation_id: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/members/{user_id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove a member; the last owner cannot be removed (409) */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
          user_id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    /** Change a member’s role; the last owner cannot be demoted (409) */
    patch: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
          user_id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            role: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              email: string;
              name: string | null;
              role: string;
              user_id: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/orgs/{org}/members/{user_id}/permissions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A member’s effective permissions, each with the role that grants it */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
          user_id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              permissions: {
                permission: string;
                role: string;
              }[];
              role: string;
              user_id: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/roles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Built-in and custom roles, with permissions and version
     * @description Built-in roles first, then custom roles by name, a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org's roles */
              items: {
                builtin: boolean;
                name: string;
                permissions: string[];
                version: number;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/roles/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Create (201) or replace (200) a custom role: a new version, audited with before and after */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          name: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            permissions: string[];
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              builtin: boolean;
              name: string;
              permissions: string[];
              version: number;
            };
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              builtin: boolean;
              name: string;
              permissions: string[];
              version: number;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/roles/{name}/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every version of a custom role, newest first (roles.manage or audit.read)
     * @description A page at a time: `{items, next_cursor}` (spec v1.1); the role is the one the path names.
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          name: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The role's versions, newest first */
              items: {
                actor_id: string | null;
                /** Format: date-time */
                created_at: string;
                permissions: string[];
                version: number;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/secrets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the org’s secrets: names, versions and times, never values
     * @description By name, a page at a time: `{items, next_cursor}` (spec v1.1).
     */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org’s secrets, by name, never a value */
              items: {
                /** Format: date-time */
                created_at: string;
                min_decryption_version: number;
                name: string;
                /** Format: date-time */
                updated_at: string;
                /** @description the newest version */
                version: number;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/secrets/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Store a new version of a secret (envelope-encrypted at rest) */
    put: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description letters, digits, `_`, `.`, `-` */
          name: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description UTF-8, at most 65536 bytes */
            value: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              name: string;
              version: number;
            };
          };
        };
      };
    };
    post?: never;
    /** Delete a secret: every version’s ciphertext is destroyed */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description letters, digits, `_`, `.`, `-` */
          name: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/secrets/{name}/reveal': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reveal a secret’s value (the newest version, or `version`); audited
     * @description A version below the secret’s `min_decryption_version` is 409 `conflict`. A stored value that fails authentication is 409 `secret_integrity_failed`, an audit entry and an alert; it is never returned.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description letters, digits, `_`, `.`, `-` */
          name: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            version?: number;
          } | null;
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              value: string;
              version: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/sessions/revoke-all': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Kill switch: end every session of the org's members
     * @description Every session of every user who is a member of the org now ends — also their sessions in other orgs, since a session belongs to its user and can act in any of their orgs. Cookie sessions, token sessions and their refresh tokens end at once: this instance refuses their credentials before it answers, every other instance within a second (one revocation event; each reloads from the database). API keys and service clients are not sessions and are not touched. Needs a fresh authentication (401 `step_up_required`). Audited as `sessions.revoke_all`; with the audit log down, 503 `audit_unavailable` and nothing is revoked.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      /** @description An object; `{}` ends every session, the caller’s included */
      requestBody: {
        content: {
          'application/json': {
            /** @description Keep the caller's own session alive; by default it ends with the others (false) */
            keep_current?: boolean;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description How many live sessions were revoked */
              revoked: number;
              /**
               * Format: date-time
               * @description When: every session in scope that was live before it is refused
               */
              revoked_at: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/webhooks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The org’s webhook endpoints (never a secret), by cursor */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The org’s webhook endpoints, by id (never a secret) */
              items: {
                /** Format: date-time */
                created_at: string;
                description: string;
                /** @description `manual`: switched off by a manager; `failing`: disabled after failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER */
                disabled_reason: 'manual' | 'failing' | null;
                enabled: boolean;
                /** @description the subscriptions: event types, prefixes (`member.*`) or `*` */
                events: string[];
                /** @description when the current run of failed attempts began */
                failing_since: string | null;
                /** @description `whk_…` */
                id: string;
                /** @description while set and in the future, the previous signing secret still signs beside the current one */
                previous_secret_expires_at: string | null;
                /** Format: date-time */
                updated_at: string;
                url: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Create a webhook endpoint; its signing secret (`whsec_…`) is shown once
     * @description Deliveries follow Standard Webhooks: headers `webhook-id` (the event id, the same on every attempt: use it as your idempotency key), `webhook-timestamp` and `webhook-signature`; the body is `{type, timestamp, data}` with ids and metadata only. Failed attempts are retried with exponential backoff and jitter (RAMPART_WEBHOOK_RETRY_SCHEDULE, by default 8 attempts over about 27.5 h).
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description free text, no control characters */
            description?: string;
            /** @description What the endpoint receives: event types of the catalogue (the enum), prefixes such as `member.*`, or `*` for every event */
            events: (
              | (
                  | 'audit.checkpoint'
                  | 'secret.written'
                  | 'secret.deleted'
                  | 'user.created'
                  | 'user.deleted'
                  | 'security.alert'
                  | 'member.added'
                  | 'member.removed'
                  | 'member.role_changed'
                  | 'role.updated'
                  | 'invitation.created'
                  | 'invitation.accepted'
                  | 'invitation.closed'
                  | 'api_key.created'
                  | 'api_key.revoked'
                  | 'client.created'
                  | 'client.revoked'
                  | 'licence.issued'
                  | 'licence.activated'
                  | 'licence.revoked'
                  | 'licence.deactivated'
                  | 'job.created'
                  | 'job.started'
                  | 'job.finished'
                  | 'webhook.endpoint_disabled'
                )
              | string
            )[];
            /** @description An `https://` or `http://` URL of a public address: a URL that is or resolves to a private, loopback, link-local or otherwise non-public address (unless allow-listed by RAMPART_OUTBOUND_ALLOW_CIDRS), or names a port outside RAMPART_OUTBOUND_PORTS, is 422 `ssrf_blocked`. It is checked again at every delivery (a host name that does not resolve yet is accepted, and refused at delivery until it resolves to an allowed address). */
            url: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              description: string;
              /** @description `manual`: switched off by a manager; `failing`: disabled after failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER */
              disabled_reason: 'manual' | 'failing' | null;
              enabled: boolean;
              /** @description the subscriptions: event types, prefixes (`member.*`) or `*` */
              events: string[];
              /** @description when the current run of failed attempts began */
              failing_since: string | null;
              /** @description `whk_…` */
              id: string;
              /** @description while set and in the future, the previous signing secret still signs beside the current one */
              previous_secret_expires_at: string | null;
              /** @description The signing secret (`whsec_…`, Standard Webhooks), shown this once */
              secret: string;
              /** Format: date-time */
              updated_at: string;
              url: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/webhooks/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One webhook endpoint */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description `whk_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              description: string;
              /** @description `manual`: switched off by a manager; `failing`: disabled after failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER */
              disabled_reason: 'manual' | 'failing' | null;
              enabled: boolean;
              /** @description the subscriptions: event types, prefixes (`member.*`) or `*` */
              events: string[];
              /** @description when the current run of failed attempts began */
              failing_since: string | null;
              /** @description `whk_…` */
              id: string;
              /** @description while set and in the future, the previous signing secret still signs beside the current one */
              previous_secret_expires_at: string | null;
              /** Format: date-time */
              updated_at: string;
              url: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete a webhook endpoint with its deliveries and signing secret */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description `whk_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    /** Change a webhook endpoint’s URL (checked again), events, description, or enable/disable it */
    patch: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description `whk_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description free text, no control characters */
            description?: string;
            /** @description `false` stops deliveries (`disabled_reason: manual`); `true` resumes them and forgets a failing run */
            enabled?: boolean;
            /** @description What the endpoint receives: event types of the catalogue (the enum), prefixes such as `member.*`, or `*` for every event */
            events?: (
              | (
                  | 'audit.checkpoint'
                  | 'secret.written'
                  | 'secret.deleted'
                  | 'user.created'
                  | 'user.deleted'
                  | 'security.alert'
                  | 'member.added'
                  | 'member.removed'
                  | 'member.role_changed'
                  | 'role.updated'
                  | 'invitation.created'
                  | 'invitation.accepted'
                  | 'invitation.closed'
                  | 'api_key.created'
                  | 'api_key.revoked'
                  | 'client.created'
                  | 'client.revoked'
                  | 'licence.issued'
                  | 'licence.activated'
                  | 'licence.revoked'
                  | 'licence.deactivated'
                  | 'job.created'
                  | 'job.started'
                  | 'job.finished'
                  | 'webhook.endpoint_disabled'
                )
              | string
            )[];
            /** @description An `https://` or `http://` URL of a public address: a URL that is or resolves to a private, loopback, link-local or otherwise non-public address (unless allow-listed by RAMPART_OUTBOUND_ALLOW_CIDRS), or names a port outside RAMPART_OUTBOUND_PORTS, is 422 `ssrf_blocked`. It is checked again at every delivery (a host name that does not resolve yet is accepted, and refused at delivery until it resolves to an allowed address). */
            url?: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              description: string;
              /** @description `manual`: switched off by a manager; `failing`: disabled after failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER */
              disabled_reason: 'manual' | 'failing' | null;
              enabled: boolean;
              /** @description the subscriptions: event types, prefixes (`member.*`) or `*` */
              events: string[];
              /** @description when the current run of failed attempts began */
              failing_since: string | null;
              /** @description `whk_…` */
              id: string;
              /** @description while set and in the future, the previous signing secret still signs beside the current one */
              previous_secret_expires_at: string | null;
              /** Format: date-time */
              updated_at: string;
              url: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/orgs/{org}/webhooks/{id}/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A webhook endpoint’s deliveries, newest first, by cursor */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
          status?: 'pending' | 'delivered' | 'failed';
        };
        header?: never;
        path: {
          /** @description `whk_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The endpoint’s deliveries, newest first */
              items: {
                attempts: number;
                /** Format: date-time */
                created_at: string;
                /** @description the event’s id: the `webhook-id` header of every attempt (the receiver’s idempotency key) */
                event_id: string;
                event_type: string;
                /** @description `whd_…` */
                id: string;
                /** @description the last failed attempt’s class: `http_error`, `timeout`, `connect_error`, `tls_error`, `redirect`, `too_large`, `ssrf_blocked`, `secret_unavailable` */
                last_error: string | null;
                last_status_code: number | null;
                next_attempt_at: string | null;
                status: 'pending' | 'delivered' | 'failed';
                /** Format: date-time */
                updated_at: string;
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/webhooks/{id}/deliveries/{delivery}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One delivery with its attempts (time, status code, latency, error class — never the response body) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description `whd_…` */
          delivery: string;
          /** @description `whk_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              attempts: number;
              attempts_log: {
                /** Format: date-time */
                attempted_at: string;
                /** @description null for a success */
                error_class: string | null;
                latency_ms: number;
                status_code: number | null;
              }[];
              /** Format: date-time */
              created_at: string;
              /** @description the event’s id: the `webhook-id` header of every attempt (the receiver’s idempotency key) */
              event_id: string;
              event_type: string;
              /** @description `whd_…` */
              id: string;
              /** @description the last failed attempt’s class: `http_error`, `timeout`, `connect_error`, `tls_error`, `redirect`, `too_large`, `ssrf_blocked`, `secret_unavailable` */
              last_error: string | null;
              last_status_code: number | null;
              next_attempt_at: string | null;
              status: 'pending' | 'delivered' | 'failed';
              /** Format: date-time */
              updated_at: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/webhooks/{id}/deliveries/{delivery}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Try a delivery again now (one more attempt, whatever its status) */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description `whd_…` */
          delivery: string;
          /** @description `whk_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              attempts: number;
              /** Format: date-time */
              created_at: string;
              /** @description the event’s id: the `webhook-id` header of every attempt (the receiver’s idempotency key) */
              event_id: string;
              event_type: string;
              /** @description `whd_…` */
              id: string;
              /** @description the last failed attempt’s class: `http_error`, `timeout`, `connect_error`, `tls_error`, `redirect`, `too_large`, `ssrf_blocked`, `secret_unavailable` */
              last_error: string | null;
              last_status_code: number | null;
              next_attempt_at: string | null;
              status: 'pending' | 'delivered' | 'failed';
              /** Format: date-time */
              updated_at: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/orgs/{org}/webhooks/{id}/rotate-secret': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Give a webhook endpoint a new signing secret (shown once)
     * @description The previous secret keeps signing beside the new one for RAMPART_WEBHOOK_SECRET_OVERLAP seconds (default 24 h): each delivery then carries two signatures in its `webhook-signature` header, so receivers can switch secrets without losing a delivery. A second rotation within the overlap ends the oldest secret’s signing at once.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          /** @description `whk_…` */
          id: string;
          /** @description org id or slug */
          org: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              description: string;
              /** @description `manual`: switched off by a manager; `failing`: disabled after failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER */
              disabled_reason: 'manual' | 'failing' | null;
              enabled: boolean;
              /** @description the subscriptions: event types, prefixes (`member.*`) or `*` */
              events: string[];
              /** @description when the current run of failed attempts began */
              failing_since: string | null;
              /** @description `whk_…` */
              id: string;
              /** @description while set and in the future, the previous signing secret still signs beside the current one */
              previous_secret_expires_at: string | null;
              /** @description The signing secret (`whsec_…`, Standard Webhooks), shown this once */
              secret: string;
              /** Format: date-time */
              updated_at: string;
              url: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/revocations/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Revocations for applications, live (SSE): sessions revoked and authorization changed
     * @description For service clients holding `sessions.watch` in their org (others: 403 `forbidden`). `text/event-stream`; each event has `id` (its position in the durable revocation sequence) and JSON `data`: `ready` `{position}` first; `revocation` `{sid, at}` — refuse access tokens whose `sid` it names; `authz` `{org, at}` — drop cached authorization decisions about that org (a membership or role changed; tokens carrying that `org` issued before `at` are ended); `resync` `{reason, at}` — drop every cache (`position_expired`: `Last-Event-ID` is older than the kept sequence; `bulk_revocation`: a kill switch, refuse every token issued before `at`). A watcher of org X sees revocations of sessions of X’s members and X’s authz changes; a watcher of the `system` org (a platform client) sees all. A comment line (`: hb`) at least every heartbeat interval (RAMPART_REVOCATION_HEARTBEAT, seconds) proves the stream live. The stream ends after 5 minutes and at shutdown: reconnect with `Last-Event-ID`.
     */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description The last position received: the stream resumes after it */
          'last-event-id'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description text/event-stream */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': string;
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions/revoke-all': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Kill switch: end every session of the deployment
     * @description Every session of every user now ends (platform admins only). Cookie sessions, token sessions and their refresh tokens end at once: this instance refuses their credentials before it answers, every other instance within a second (one revocation event; each reloads from the database). API keys and service clients are not sessions and are not touched. Needs a fresh authentication (401 `step_up_required`). Audited as `sessions.revoke_all`; with the audit log down, 503 `audit_unavailable` and nothing is revoked.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      /** @description An object; `{}` ends every session, the caller’s included */
      requestBody: {
        content: {
          'application/json': {
            /** @description Keep the caller's own session alive; by default it ends with the others (false) */
            keep_current?: boolean;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description How many live sessions were revoked */
              revoked: number;
              /**
               * Format: date-time
               * @description When: every session in scope that was live before it is refused
               */
              revoked_at: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List users by cursor, in a stable order */
    get: {
      parameters: {
        query?: {
          /** @description The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed` */
          cursor?: string;
          email?: string;
          /** @description How many items a page holds: 50 by default, 200 at most */
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description Accounts, in a stable order (by id) */
              items: {
                /** Format: date-time */
                created_at: string;
                email: string;
                /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
                email_verified: boolean;
                /** @description When `email` was verified; null when it is not. */
                email_verified_at: string | null;
                id: string;
                name: string | null;
                status: 'active' | 'disabled';
              }[];
              /** @description The cursor of the next page (pass it back as `?cursor=`), or null on the last page */
              next_cursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /** Create a user; without a password, a one-time set-password token is returned once */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            email: string;
            name?: string;
            /** @description A new password: 12 to 128 characters (Unicode code points, NFC-normalised), no composition rules. Refused (400 `validation_failed`, the error naming the rule, never the password) when it is a common or breached password, repeats one character or a short group (aaaa…, abab…), is made of sequential characters (abcd…, 1234…), or contains the product name, this deployment's host name or a part of the account's email address (NIST SP 800-63B §3.1.1.2). */
            password?: string;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              email: string;
              /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
              email_verified: boolean;
              /** @description When `email` was verified; null when it is not. */
              email_verified_at: string | null;
              id: string;
              name: string | null;
              /** @description One-time; POST it to /api/v1/auth/password/set within 24 h */
              set_password_token?: string;
              /** Format: date-time */
              set_password_token_expires_at?: string;
              status: 'active' | 'disabled';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Read a user */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              email: string;
              /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
              email_verified: boolean;
              /** @description When `email` was verified; null when it is not. */
              email_verified_at: string | null;
              id: string;
              name: string | null;
              status: 'active' | 'disabled';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Erase a user, revoking every session first */
    delete: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    /** Disable/enable or rename a user; disabling revokes every session at once */
    patch: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            disabled?: boolean;
            name?: string | null;
          };
        };
      };
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              created_at: string;
              email: string;
              /** @description Whether the account proved it receives mail at `email` (POST /api/v1/me/email/verify). */
              email_verified: boolean;
              /** @description When `email` was verified; null when it is not. */
              email_verified_at: string | null;
              id: string;
              name: string | null;
              status: 'active' | 'disabled';
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/users/{id}/sessions/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke every session and refresh token of a user at once */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and body returns the first answer (header `Idempotent-Replayed: true`) without running the request again; the same key with another body is 422 `idempotency_key_reused`; a replay while the first is still running is 409 `conflict`. Keys are kept per caller for 24 h. A 5xx answer is not kept, so the request may be retried. */
          'Idempotency-Key'?: string;
          /** @description With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused. */
          'X-Rampart-CSRF'?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/docs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The API reference, rendered (HTML)
     * @description An HTML page that renders this OpenAPI document with Scalar. Every asset comes from this server (`/docs/assets/…`); the page's Content-Security-Policy allows scripts and connections to this origin only.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/docs/assets/{file}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The reference page's scripts
     * @description Scalar's standalone bundle (from the installed `@scalar/api-reference` package) and the page's start script. Each name carries its version and is cached for a year; gzip when the client accepts it.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The asset */
          file: 'scalar-1.46.4.js' | 'start-0.1.0.js';
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process answers (whatever its dependencies do) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ok';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: the database (and Redis and the revocation bus, when configured) answer */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The request was refused; `code` says why (see x-problem-codes). */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Rampart could not answer; `code` says why (see x-problem-codes). */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              checks: {
                [key: string]: 'ok';
              };
              /** @enum {string} */
              status: 'ready';
            };
          };
        };
        /** @description problem+json `service_unavailable`, with `checks` naming what does not answer */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': unknown;
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** @description RFC 9457 problem details. `code` is stable; `title` and `detail` are for people. */
    Problem: {
      /** @enum {string} */
      code:
        | 'validation_failed'
        | 'unauthenticated'
        | 'invalid_credentials'
        | 'mfa_required'
        | 'mfa_enrollment_required'
        | 'password_change_required'
        | 'token_expired'
        | 'token_invalid'
        | 'session_revoked'
        | 'step_up_required'
        | 'csrf_failed'
        | 'dpop_invalid'
        | 'forbidden'
        | 'https_required'
        | 'not_found'
        | 'method_not_allowed'
        | 'conflict'
        | 'invitation_expired'
        | 'payload_too_large'
        | 'unsupported_media_type'
        | 'idempotency_key_reused'
        | 'ssrf_blocked'
        | 'verification_failed'
        | 'rate_limited'
        | 'internal_error'
        | 'secret_integrity_failed'
        | 'service_unavailable'
        | 'sandbox_unavailable'
        | 'audit_unavailable';
      detail: string;
      /** @description For validation_failed: each failing field and why. */
      errors?: {
        field?: string;
        reason?: string;
      }[];
      /** @description For step_up_required: the ways to prove a fresh authentication at `POST /api/v1/auth/step-up` (`password`, and `totp` and `recovery_code` when a second factor is enrolled); then repeat the request within RAMPART_STEP_UP_WINDOW. */
      methods?: ('password' | 'totp' | 'recovery_code')[];
      request_id: string;
      status: number;
      title: string;
      /**
       * Format: uri
       * @description https://rampart.dev/problems/<code>
       */
      type: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
