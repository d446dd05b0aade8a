/**
 * What the SQL sections of an org's export share (`OrgDataSection` in kernel/part.ts): a keyset
 * page read with one row more than asked, so that the last page says so without another query,
 * and timestamps (bigint ms) as RFC 3339.
 */
import type { OrgDataPage, OrgDataRow } from '../../part.js';

/** `ms` (a number, or the text PostgreSQL may hand a bigint as) as an RFC 3339 UTC time. */
export function isoTime(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}

/**
 * The page of `rows`, read with `limit + 1` rows: at most `limit` of them as JSON, and the cursor
 * after the last one kept when a further row exists (`undefined`: this was the last page).
 */
export function keysetPage<R>(rows: readonly R[], limit: number, cursor: (row: R) => string, json: (row: R) => OrgDataRow): OrgDataPage {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { rows: kept.map(json), next: rows.length > limit && last !== undefined ? cursor(last) : undefined };
}

/** A two-part keyset cursor (a name, then a number) as text, and back; a cursor is never taken from a caller. */
export const pairCursor = {
  write: (name: string, n: number): string => JSON.stringify([name, n]),
  read(after: string | undefined): readonly [string, number] | undefined {
    if (after === undefined) return undefined;
    const parsed: unknown = JSON.parse(after);
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'number') throw new Error('not a pair cursor');
    return [parsed[0], parsed[1]];
  },
};
