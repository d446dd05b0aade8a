/**
 * A backup's manifest: what the backup holds and how to check it, signed (HMAC-SHA-256 under a
 * key derived from the master key) and written last, so that a backup without a valid manifest
 * does not exist. It names the format, the schema version (the latest migration in the snapshot),
 * the time, each part's file, size and SHA-256, the rows per table, the audit log's latest signed
 * checkpoint in the snapshot, the master key's public id and the per-backup data key, wrapped.
 * It holds no secret in the clear.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const BACKUP_FORMAT = 'rampart-backup/1';

/** Backup ids: `bkp_` and 32 hex digits (128 random bits), the stem of every file of the backup. */
export const BACKUP_ID = /^bkp_[0-9a-f]{32}$/;

/** A part's name: `database`, or `file:` and a path relative to the data directory (no `..`, no leading `/`). */
const PART_NAME = '^(database|file:(?!/)(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/-]{1,200})$';

export const ManifestPart = Type.Object(
  {
    name: Type.String({ pattern: PART_NAME, description: 'What the part holds: `database`, or `file:<path in the data directory>`' }),
    file: Type.String({ pattern: '^bkp_[0-9a-f]{32}\\.[0-9]+\\.rbk$', description: 'The encrypted file, beside the manifest' }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the encrypted file, hex' }),
    bytes: Type.Integer({ minimum: 0, description: 'Size of the encrypted file' }),
    plain_bytes: Type.Integer({ minimum: 0, description: 'Size of the part before compression and encryption' }),
  },
  { additionalProperties: false },
);

export const ManifestBody = Type.Object(
  {
    format: Type.Literal(BACKUP_FORMAT),
    id: Type.String({ pattern: BACKUP_ID.source }),
    created_at: Type.Integer({ minimum: 0, description: 'When the snapshot was taken, epoch ms' }),
    rampart_version: Type.String({ maxLength: 64 }),
    dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
    schema_version: Type.String({ maxLength: 200, description: 'The latest migration applied in the snapshot' }),
    master_key_id: Type.String({ pattern: '^[A-Za-z0-9_-]{22}$', description: 'Public id of the master key the backup needs' }),
    data_key: Type.String({ maxLength: 200, description: 'The per-backup data key, sealed under a key derived from the master key' }),
    compression: Type.Literal('gzip'),
    parts: Type.Array(ManifestPart, { minItems: 1, maxItems: 10_000 }),
    tables: Type.Record(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' }), Type.Integer({ minimum: 0 })),
    audit: Type.Object(
      {
        checkpoint: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()], {
          description: 'The latest signed checkpoint (C2SP note)',
        }),
        tree_size: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    canary: Type.Union([Type.Object({ user_id: Type.String({ maxLength: 64 }) }, { additionalProperties: false }), Type.Null()], {
      description: 'The drill canary in the snapshot, if any (its password is sealed in the database, not here)',
    }),
  },
  { additionalProperties: false },
);

export const Manifest = Type.Composite([ManifestBody, Type.Object({ signature: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) })], {
  additionalProperties: false,
});

export type ManifestBody = Static<typeof ManifestBody>;
export type Manifest = Static<typeof Manifest>;
export type ManifestPart = Static<typeof ManifestPart>;

/** The manifest in `text`, or undefined when it is not one (it is still to be verified). */
export function parseManifest(text: string): Manifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Value.Check(Manifest, value) ? value : undefined;
}

/** The manifest without its signature: what the signature covers. */
export function manifestBody(manifest: Manifest): ManifestBody {
  const { signature: _signature, ...body } = manifest;
  return body;
}

/** The file name of a backup's manifest. */
export function manifestFileName(id: string): string {
  return `${id}.manifest.json`;
}

/** The file name of a backup's part `index`. */
export function partFileName(id: string, index: number): string {
  return `${id}.${index}.rbk`;
}
