/**
 * Tables for people: left-aligned columns sized to their widest cell, a header row, `-` for an
 * absent value. `--json` prints the API's own objects instead. Control characters in a value are
 * shown escaped, so a stored name cannot move the cursor or recolour the terminal.
 */

export type Row = Readonly<Record<string, unknown>>;

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `rows` as a text table of `columns` (each `[key, header]`). */
export function table(rows: readonly Row[], columns: readonly (readonly [string, string])[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map(([key]) => cell(row[key])));
  const widths = columns.map(([, header], i) => Math.max(header.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const line = (values: readonly string[]): string =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map(([, header]) => header.toUpperCase())), ...cells.map(line)].join('\n');
}

/** `key: value` lines for one object. */
export function fields(row: Row, columns: readonly (readonly [string, string])[]): string {
  const width = Math.max(...columns.map(([, label]) => label.length));
  return columns.map(([key, label]) => `${`${label}:`.padEnd(width + 1)} ${cell(row[key])}`).join('\n');
}

/**
 * The items of a list answer: `{items, next_cursor}` (spec v1.1), or — from a server before it —
 * the one array the answer holds, or a bare array.
 */
export function listOf(data: unknown): { items: Row[]; nextCursor: string | null } {
  if (Array.isArray(data)) return { items: data as Row[], nextCursor: null };
  if (typeof data !== 'object' || data === null) return { items: [], nextCursor: null };
  const record = data as Record<string, unknown>;
  const nextCursor = typeof record.next_cursor === 'string' ? record.next_cursor : null;
  if (Array.isArray(record.items)) return { items: record.items as Row[], nextCursor };
  const array = Object.values(record).find((value) => Array.isArray(value));
  return { items: (array ?? []) as Row[], nextCursor };
}
