/**
 * docs/security/asvs.md is Rampart's claim against OWASP ASVS 5.0 Levels 1 and 2: one row per
 * requirement of test/fixtures/asvs-requirements-l1-l2.tsv (a copy of ../shared/asvs/), each
 * `tested` with the test file and the exact test title that proves it, or `n/a` with the reason.
 * The same drift discipline as the error catalogue (test/unit/error-catalog-drift.test.ts): a row
 * missing or extra, a level that differs, a status outside the two allowed, a named file that does
 * not exist or holds no test of that exact title, and the claim fails here, naming the row.
 *
 * Titles are read from the source of `it(…)`/`test(…)` calls (`.each(…)`, `.skipIf(…)`,
 * `.runIf(…)`, `.concurrent`, … included): the first argument when it is a string literal, or a
 * template literal written as in the source (`${name}` and all), so a table names a family of
 * parameterised tests by its template.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const TABLE = join(ROOT, 'docs', 'security', 'asvs.md');
const REQUIREMENTS = join(ROOT, 'test', 'fixtures', 'asvs-requirements-l1-l2.tsv');
/** The shared review this fixture copies, when the checkout sits next to it. */
const SHARED_REQUIREMENTS = join(ROOT, '..', 'shared', 'asvs', 'requirements-l1-l2.tsv');
const STATUSES = ['tested', 'n/a'] as const;

interface Requirement {
  readonly id: string;
  readonly level: string;
}

interface Proof {
  readonly file: string;
  readonly title: string;
}

interface Row {
  readonly id: string;
  readonly level: string;
  readonly status: string;
  readonly proofs: readonly Proof[];
  readonly note: string;
}

function requirements(): Requirement[] {
  const [, ...lines] = readFileSync(REQUIREMENTS, 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [id = '', level = ''] = line.split('\t');
    return { id, level };
  });
}

/** Splits a Markdown table line on the `|` that are not escaped (`\|`). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** A proof is written `` `test/…/x.test.ts` :: `` exact title `` `` (double backticks: titles hold backticks). */
function proofs(cell: string): Proof[] {
  return [...cell.matchAll(/`(test\/[^`]+\.ts)` :: `` (.+?) ``(?=\s*(?:<br>|$))/g)].map((match) => ({
    file: match[1] ?? '',
    title: (match[2] ?? '').replace(/\\\|/g, '|'),
  }));
}

/** The rows of the table: every line whose first cell is a requirement id. */
function tableRows(markdown: string): Row[] {
  return markdown
    .split('\n')
    .filter((line) => /^\|\s*V\d+\.\d+\.\d+\s*\|/.test(line))
    .map((line) => {
      const [id = '', level = '', , status = '', proof = '', note = ''] = cells(line);
      return { id, level, status, proofs: proofs(proof), note };
    });
}

/** A string literal starting at `start` (its quote): the text as written, and the index past it. */
function literal(source: string, start: number): { text: string; end: number } | undefined {
  const quote = source[start];
  let text = '';
  for (let i = start + 1; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      text += quote === '`' ? `\\${next}` : ({ n: '\n', t: '\t' }[next] ?? next);
      i += 1;
    } else if (char === quote) {
      return { text: quote === '`' ? text.replace(/\\([`\\$])/g, '$1') : text, end: i + 1 };
    } else if (quote === '`' && char === '$' && source[i + 1] === '{') {
      const close = balanced(source, i + 1);
      if (close === undefined) return undefined;
      text += source.slice(i, close);
      i = close - 1;
    } else if (quote !== '`' && char === '\n') {
      return undefined;
    } else text += char;
  }
  return undefined;
}

/** The index past the bracket that closes the one at `open`, skipping strings and templates. */
function balanced(source: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const char = source[i] ?? '';
    if (char === "'" || char === '"' || char === '`') {
      const skipped = literal(source, i);
      if (skipped === undefined) return undefined;
      i = skipped.end - 1;
    } else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

/** The titles of every `it`/`test` call in `source` whose title is a literal. */
function testTitles(source: string): string[] {
  const titles: string[] = [];
  for (const call of source.matchAll(/(?<![\w.$])(?:it|test)\b/g)) {
    let i = (call.index ?? 0) + call[0].length;
    for (let steps = 0; steps < 8; steps++) {
      while (/\s/.test(source[i] ?? '')) i += 1;
      if (source[i] === '.') {
        const member = /^\.[A-Za-z_$][\w$]*/.exec(source.slice(i));
        if (member === null) break;
        i += member[0].length;
        continue;
      }
      if (source[i] !== '(') break;
      let first = i + 1;
      while (/\s/.test(source[first] ?? '')) first += 1;
      if ('\'"`'.includes(source[first] ?? '-')) {
        const title = literal(source, first);
        let after = title?.end ?? first;
        while (/\s/.test(source[after] ?? '')) after += 1;
        if (title !== undefined && (source[after] === ',' || source[after] === ')')) {
          titles.push(title.text);
          break;
        }
      }
      const close = balanced(source, i);
      if (close === undefined) break;
      i = close;
    }
  }
  return titles;
}

const titlesByFile = new Map<string, string[]>();
function titlesOf(file: string): string[] {
  let titles = titlesByFile.get(file);
  if (titles === undefined) {
    titles = testTitles(readFileSync(join(ROOT, file), 'utf8'));
    titlesByFile.set(file, titles);
  }
  return titles;
}

describe('the ASVS table (docs/security/asvs.md)', () => {
  const required = requirements();
  const rows = tableRows(readFileSync(TABLE, 'utf8'));

  it('reads the titles of it(), test(), it.each(…)(), it.skipIf(…)() and template literals as written', () => {
    const source = [
      "it('plain', () => {});",
      'it("double \\"quoted\\"", () => {});',
      'it.each([1, 2])(`each ${name} of ${`nested ${x}`}`, () => {});',
      "it.skipIf(!ok)('skipped when absent', async () => {});",
      "test.concurrent('concurrent', () => {});",
      "describe('not a test', () => { it('inside', () => {}); });",
      'it(name, () => {});',
      "const x = split('a, b');",
    ].join('\n');
    expect(testTitles(source)).toEqual([
      'plain',
      'double "quoted"',
      'each ${name} of ${`nested ${x}`}',
      'skipped when absent',
      'concurrent',
      'inside',
    ]);
  });

  it('has one row per requirement, none missing, none extra, none twice', () => {
    expect(required.length).toBe(133);
    const ids = rows.map((row) => row.id);
    expect(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      'rows written twice',
    ).toEqual([]);
    expect(
      required.map((requirement) => requirement.id).filter((id) => !ids.includes(id)),
      'requirements without a row',
    ).toEqual([]);
    expect(
      ids.filter((id) => !required.some((requirement) => requirement.id === id)),
      'rows that are no requirement',
    ).toEqual([]);
  });

  it('gives each row its requirement’s level', () => {
    const wrong = rows.filter((row) => required.find((requirement) => requirement.id === row.id)?.level !== row.level).map((row) => row.id);
    expect(wrong).toEqual([]);
  });

  it('gives each row a status of tested or n/a: every applicable L1 and L2 requirement is tested', () => {
    const wrong = rows.filter((row) => !(STATUSES as readonly string[]).includes(row.status)).map((row) => `${row.id}: ${row.status}`);
    expect(wrong).toEqual([]);
  });

  it('names at least one proof for each tested row, and a reason for each n/a row', () => {
    expect(rows.filter((row) => row.status === 'tested' && row.proofs.length === 0).map((row) => row.id)).toEqual([]);
    expect(rows.filter((row) => row.status === 'n/a' && (row.proofs.length > 0 || row.note.length < 20)).map((row) => row.id)).toEqual([]);
  });

  it('names only test files that exist and titles they hold, exactly', () => {
    const dangling: string[] = [];
    for (const row of rows) {
      for (const { file, title } of row.proofs) {
        if (!/^test\/.+\.(test|contract)\.ts$/.test(file) || !existsSync(join(ROOT, file)))
          dangling.push(`${row.id}: no test file ${file}`);
        else if (!titlesOf(file).includes(title)) dangling.push(`${row.id}: ${file} has no test titled “${title}”`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it.skipIf(!existsSync(SHARED_REQUIREMENTS))('reads a requirements fixture identical to the shared list', () => {
    expect(readFileSync(REQUIREMENTS, 'utf8'), 'copy ../shared/asvs/requirements-l1-l2.tsv to test/fixtures/').toBe(
      readFileSync(SHARED_REQUIREMENTS, 'utf8'),
    );
  });
});
