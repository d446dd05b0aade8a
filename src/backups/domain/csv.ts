/**
 * CSV as the org export writes it (RFC 4180): CRLF line ends; a field holding a comma, a double
 * quote, CR or LF is quoted, its quotes doubled (§2.5–2.7). A cell a spreadsheet would run as a
 * formula — text starting with `=`, `+`, `-`, `@`, a tab or CR (OWASP, "CSV Injection") — gets a
 * leading `'`, so that opening an export never runs what a member typed into a name. Pure.
 */
import type { OrgDataValue } from '../../kernel/part.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One value as its CSV text: null empty, arrays space-joined, formulas neutralised, quoted when needed. */
export function csvCell(value: OrgDataValue): string {
  let text: string;
  if (value === null) text = '';
  else if (Array.isArray(value)) text = value.join(' ');
  else text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated. */
export function csvLine(cells: readonly OrgDataValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
