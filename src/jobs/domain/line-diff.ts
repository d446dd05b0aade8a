/**
 * A unified diff of two texts, line by line (the format of GNU diff -u, POSIX.1-2024 "diff"):
 * `--- a` / `+++ b` headers, then hunks `@@ -l,s +l,s @@` with three lines of context. The edit
 * script is a longest common subsequence after the common prefix and suffix are trimmed; when the
 * differing middle is too large for the quadratic table ({@link MAX_TABLE_CELLS}), it is shown as
 * removed then added, which is still a correct diff, only not a minimal one. The result is capped
 * at {@link MAX_DIFF_CHARS} characters, ending with a line that says so.
 */

const CONTEXT = 3;
const MAX_TABLE_CELLS = 4_000_000;
export const MAX_DIFF_CHARS = 64 * 1024;

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** Lines of `text`; a last line without a newline is marked as diff marks it. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] = `${lines[lines.length - 1] ?? ''}\n\\ No newline at end of file`;
  return lines;
}

/** The edit script of the middles `a` and `b` (LCS by table, or remove-all/add-all when too large). */
function middleOps(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length * b.length > MAX_TABLE_CELLS) {
    return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j]
          ? (table[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] ?? '' });
      j++;
    } else if ((table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0)) ops.push({ kind: '-', line: a[i++] ?? '' });
    else ops.push({ kind: '+', line: b[j++] ?? '' });
  }
  while (i < a.length) ops.push({ kind: '-', line: a[i++] ?? '' });
  while (j < b.length) ops.push({ kind: '+', line: b[j++] ?? '' });
  return ops;
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return [
    ...a.slice(0, start).map((line): Op => ({ kind: ' ', line })),
    ...middleOps(a.slice(start, endA), b.slice(start, endB)),
    ...a.slice(endA).map((line): Op => ({ kind: ' ', line })),
  ];
}

/** `@@ -l,s +l,s @@`, with diff's convention that an empty range starts at the line before it. */
function range(start: number, size: number): string {
  return `${size === 0 ? start : start + 1},${size}`;
}

/** The unified diff turning `a` (labelled `labelA`) into `b`; empty when they are equal. */
export function unifiedDiff(a: string, b: string, labelA: string, labelB: string): string {
  if (a === b) return '';
  const ops = editScript(linesOf(a), linesOf(b));
  const out: string[] = [`--- ${labelA}`, `+++ ${labelB}`];
  let k = 0;
  // Positions (0-based) in a and b before op k.
  const posA: number[] = [];
  const posB: number[] = [];
  let pa = 0;
  let pb = 0;
  for (const op of ops) {
    posA.push(pa);
    posB.push(pb);
    if (op.kind !== '+') pa++;
    if (op.kind !== '-') pb++;
  }
  while (k < ops.length) {
    if (ops[k]?.kind === ' ') {
      k++;
      continue;
    }
    const first = Math.max(0, k - CONTEXT);
    let last = k;
    // Extend the hunk while the next change is within 2 × CONTEXT unchanged lines.
    for (let m = k; m < ops.length; m++) {
      if (ops[m]?.kind !== ' ') last = m;
      else if (m - last > 2 * CONTEXT) break;
    }
    const end = Math.min(ops.length, last + CONTEXT + 1);
    const hunk = ops.slice(first, end);
    const sizeA = hunk.filter((op) => op.kind !== '+').length;
    const sizeB = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(posA[first] ?? 0, sizeA)} +${range(posB[first] ?? 0, sizeB)} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    k = end;
  }
  const text = `${out.join('\n')}\n`;
  return text.length <= MAX_DIFF_CHARS ? text : `${text.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters]\n`;
}
