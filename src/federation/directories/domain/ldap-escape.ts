/**
 * Escaping of values put into LDAP search filters (RFC 4515 §3) — the only way a typed username
 * or a directory DN reaches a filter here. A value escaped by {@link escapeFilterValue} can only
 * ever be an assertion value: `*` cannot become a wildcard, `(`/`)` cannot open or close a
 * component, `\` cannot start an escape, NUL cannot truncate. Pure.
 */

/** RFC 4515 §3: `*`, `(`, `)`, `\` and NUL must be escaped as `\XX`; other controls are escaped too. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '*' || char === '(' || char === ')' || char === '\\' || code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16).padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return out;
}

/**
 * Fills a filter template's placeholders (`{username}`, `{dn}`) with their escaped values. A
 * placeholder with no value is an error, never left for the server to read.
 */
export function fillFilter(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the filter placeholder {${name}} has no value`);
    return escapeFilterValue(value);
  });
}

/**
 * Whether `filter` is one parenthesised filter whose parentheses balance (a configuration check:
 * a template such as `uid={username}` without parentheses is refused at startup).
 */
export function isBalancedFilter(filter: string): boolean {
  if (!filter.startsWith('(') || !filter.endsWith(')')) return false;
  let depth = 0;
  for (let i = 0; i < filter.length; i += 1) {
    const char = filter[i];
    if (char === '\\') {
      i += 2;
      continue;
    }
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth < 0 || (depth === 0 && i < filter.length - 1)) return false;
  }
  return depth === 0;
}
