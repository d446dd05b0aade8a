/**
 * The cursors of every list route (spec v1.1, "Refinements": lists answer `{items, next_cursor}`;
 * cursors are opaque and authenticated, a tampered one is 400 `validation_failed`).
 *
 * A cursor is `<body>.<tag>`, both base64url without padding (RFC 4648 §5): the body is a version
 * byte and the position the next page starts after (the route's own text: an id, a timestamp and
 * an id…); the tag is HMAC-SHA-256, truncated to 128 bits, over the version, the list's name, the
 * owner of the listing and the body, under one key derived from the deployment's key material
 * (`list-cursor`, see `Kernel.cursorKey`). So a cursor opens only as it was handed out, on the list
 * it was handed out for, and for the caller (or org) it was handed out to: an edited, invented,
 * truncated or foreign cursor, one from another list or replayed by another user, is refused with
 * 400 `validation_failed` naming `cursor` — never a 500, and never a page of someone else's rows.
 *
 * Routes reach the key through the Fastify instance (`listCursorsOf(request)`), decorated once by
 * the server (`installListCursors`), so that no capability handles the key itself.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CURSOR_TAG_SIZE, cursorTag, cursorTagMatches } from '../crypto/cursor-tag.js';
import { validationFailed } from '../domain/errors.js';
import type { Secret } from '../domain/secret.js';

const VERSION = 1;
/** The longest position a cursor carries, in UTF-8 bytes: positions are ids and timestamps. */
export const MAX_POSITION_BYTES = 256;
/** The longest cursor text any list hands out (a body of 1 + 256 bytes and a 16-byte tag). */
export const MAX_CURSOR_LENGTH = 400;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Which listing a cursor belongs to. */
export interface CursorBinding {
  /** The list's stable name (`users`, `org-members`…): a cursor of one list never opens another. */
  readonly list: string;
  /** Whose listing it is: the caller's id for a per-caller list, the org's id for an org's list, `platform` otherwise. */
  readonly owner: string;
}

/** What a cursor carries: its binding and the position the next page starts after. */
export interface CursorPayload extends CursorBinding {
  readonly position: string;
}

function tagParts(binding: CursorBinding, body: Buffer): readonly (string | Uint8Array)[] {
  return ['rampart/list-cursor', binding.list, binding.owner, body];
}

/** The opaque cursor of `payload`, authenticated under `key`. */
export function encodeCursor(key: Secret<Buffer>, payload: CursorPayload): string {
  const position = Buffer.from(payload.position, 'utf8');
  if (position.length > MAX_POSITION_BYTES) throw new RangeError('a cursor position is at most 256 bytes');
  const body = Buffer.concat([Buffer.from([VERSION]), position]);
  return `${body.toString('base64url')}.${cursorTag(key, tagParts(payload, body)).toString('base64url')}`;
}

/** Canonical base64url only (RFC 4648 §3.5: unused bits zero), else undefined. */
function strictBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** The position `text` carries when it was handed out for `binding` under `key`, else undefined. */
export function openCursor(key: Secret<Buffer>, binding: CursorBinding, text: string): string | undefined {
  if (text.length > MAX_CURSOR_LENGTH) return undefined;
  const dot = text.indexOf('.');
  if (dot <= 0 || dot !== text.lastIndexOf('.')) return undefined;
  const body = strictBase64Url(text.slice(0, dot));
  const tag = strictBase64Url(text.slice(dot + 1));
  if (body === undefined || tag === undefined || tag.length !== CURSOR_TAG_SIZE || body.length < 1) return undefined;
  if (!cursorTagMatches(key, tagParts(binding, body), tag)) return undefined;
  if (body.readUInt8(0) !== VERSION) return undefined;
  const position = body.subarray(1);
  const decoded = position.toString('utf8');
  // Only what encodeCursor wrote round-trips: no replacement characters from invalid UTF-8.
  return Buffer.from(decoded, 'utf8').equals(position) ? decoded : undefined;
}

/** The 400 of a cursor that does not open. */
export function invalidCursor(): Error {
  return validationFailed([{ field: 'cursor', reason: 'is not a cursor this list handed out' }]);
}

/**
 * The position of `text` for `binding` (`undefined` when there is no cursor: the first page).
 * A cursor that does not open is 400 `validation_failed` naming `cursor`.
 */
export function decodeCursor(key: Secret<Buffer>, binding: CursorBinding, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const position = openCursor(key, binding, text);
  if (position === undefined) throw invalidCursor();
  return position;
}

/** The cursors of one deployment: its key, read when the first cursor is made or opened. */
export class ListCursors {
  readonly #key: () => Secret<Buffer>;

  constructor(key: () => Secret<Buffer>) {
    this.#key = key;
  }

  /** The cursor of the page after `position` of `binding`'s list. */
  seal(binding: CursorBinding, position: string): string {
    return encodeCursor(this.#key(), { ...binding, position });
  }

  /** The position of `text` (undefined: the first page); a cursor that does not open is a 400. */
  open(binding: CursorBinding, text: string | undefined): string | undefined {
    return decodeCursor(this.#key(), binding, text);
  }

  /**
   * One page of rows read with `limit + 1` (the extra row only says that there is a next page):
   * `{items, next_cursor}`, the cursor at the last item's position.
   */
  page<R, I>(
    binding: CursorBinding,
    rows: readonly R[],
    limit: number,
    positionOf: (row: R) => string,
    toItem: (row: R) => I,
  ): ListPage<I> {
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const more = rows.length > limit && last !== undefined;
    return { items: items.map(toItem), next_cursor: more ? this.seal(binding, positionOf(last)) : null };
  }

  /**
   * One page of a list held whole in memory (a caller's passkeys, identities, sessions): the rows
   * are ordered by `positionOf` (ascending, code-point order), and the page holds those after the
   * cursor's position — so a row deleted between two pages moves no other row across the boundary.
   */
  pageInMemory<R, I>(
    binding: CursorBinding,
    rows: readonly R[],
    query: ListQueryValues,
    positionOf: (row: R) => string,
    toItem: (row: R) => I,
  ): ListPage<I> {
    const after = this.open(binding, query.cursor);
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const keyed = rows.map((row) => ({ row, key: positionOf(row) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const rest = after === undefined ? keyed : keyed.filter((entry) => entry.key > after);
    return this.page(
      binding,
      rest.slice(0, limit + 1),
      limit,
      (entry) => entry.key,
      (entry) => toItem(entry.row),
    );
  }
}

/**
 * A position that orders by time, then id (code-point order): the time zero-padded to 16 digits,
 * so that the text order is the numeric order for every millisecond timestamp.
 */
export function timePosition(ms: number, id: string): string {
  return `${String(Math.max(0, Math.trunc(ms))).padStart(16, '0')}.${id}`;
}

/** A position that orders a non-negative integer (a version) from the highest down. */
export function descendingPosition(value: number): string {
  return String(Number.MAX_SAFE_INTEGER - Math.max(0, Math.trunc(value))).padStart(16, '0');
}

/** What every list answers (spec v1.1). */
export interface ListPage<I> {
  readonly items: readonly I[];
  readonly next_cursor: string | null;
}

/** The values of {@link ListQueryProperties} after validation. */
export interface ListQueryValues {
  readonly cursor?: string | undefined;
  readonly limit?: number | undefined;
}

/** A page's size when the caller names none. */
export const DEFAULT_LIST_LIMIT = 50;
/** The largest page a caller may ask for. */
export const MAX_LIST_LIMIT = 200;

/** `?cursor&limit`, for a list route's querystring schema (spread into its properties). */
export const ListQueryProperties = {
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_CURSOR_LENGTH,
      description:
        "The previous page's `next_cursor`, as it was handed out: opaque and authenticated; any other value is 400 `validation_failed`",
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_LIST_LIMIT,
      description: `How many items a page holds: ${DEFAULT_LIST_LIMIT} by default, ${MAX_LIST_LIMIT} at most`,
    }),
  ),
} as const;

/** The answer schema of a list of `item`: `{items, next_cursor}`. */
export function listPageSchema<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item, { description }),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'The cursor of the next page (pass it back as `?cursor=`), or null on the last page',
      }),
    },
    { additionalProperties: false },
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The deployment's list cursors (installed by the server: `installListCursors`). */
    listCursors: ListCursors;
  }
}

/** Decorates `app` (Rampart's encapsulated context) with the deployment's list cursors. */
export function installListCursors(app: FastifyInstance, key: () => Secret<Buffer>): void {
  if (!app.hasDecorator('listCursors')) app.decorate('listCursors', new ListCursors(key));
}

/** The list cursors of the server `request` reached. */
export function listCursorsOf(request: FastifyRequest): ListCursors {
  const cursors = request.server.listCursors as ListCursors | undefined;
  if (cursors === undefined) throw new Error('list cursors are not installed on this server (installListCursors)');
  return cursors;
}
