/**
 * Every path a comment or a document names exists in the repository (jose's
 * tools/check-subpaths.js, for a tree that moves): `src/…`, `test/…`, `docs/…`, `bench/…`,
 * `scripts/…`, `eslint/…` and `.ci/…` as written from the root, and `kernel/…`, `audit/…` and
 * the other module folders as written from src/. A move that forgets a mention fails here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
/** Files that name made-up paths on purpose, as examples of what is checked. */
const EXAMPLES = new Set(['test/unit/doc-paths.test.ts', 'test/unit/boundaries.test.ts']);
const FROM_ROOT = ['src', 'test', 'docs', 'bench', 'scripts', 'eslint', '.ci'];
const FROM_SRC = ['kernel', 'migrations', 'audit', 'secrets', 'identity', 'tenancy', 'credentials', 'my-data', 'http', 'cli'];
const PATH = new RegExp(
  String.raw`(?<![\w./@-])((?:${[...FROM_ROOT, ...FROM_SRC].map((d) => d.replace('.', '\\.')).join('|')})/[\w./-]*[\w-]\.(?:ts|js|mjs|md|json|sh|tsv|txt))(?![\w/-])`,
  'g',
);

function tracked(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /\.(ts|js|mjs|md|sh)$/.test(file) && !EXAMPLES.has(file) && existsSync(join(ROOT, file)));
}

/** Each path named in `text` that resolves neither from the root nor from src/. */
function dangling(text: string): string[] {
  const missing: string[] = [];
  for (const [, path] of text.matchAll(PATH)) {
    if (path === undefined) continue;
    // A compiled path (`dist('kernel/config.js')` in bench/) names its source file.
    const source = path.replace(/\.js$/, '.ts');
    const candidates = FROM_ROOT.some((dir) => path.startsWith(`${dir}/`))
      ? [path, source]
      : [join('src', path), join('src', source), path];
    if (!candidates.some((candidate) => existsSync(join(ROOT, candidate)))) missing.push(path);
  }
  return missing;
}

describe('paths named in comments and documents', () => {
  it('finds the paths it is meant to check', () => {
    expect(dangling('see src/kernel/part.ts and `kernel/close-stack.ts`, not src/nowhere.ts or audit/gone.ts')).toEqual([
      'src/nowhere.ts',
      'audit/gone.ts',
    ]);
  });

  it('every one of them exists', () => {
    const problems = tracked().flatMap((file) => dangling(readFileSync(join(ROOT, file), 'utf8')).map((path) => `${file}: ${path}`));
    expect(problems).toEqual([]);
  });

  it('every relative link of a markdown document resolves from the document', () => {
    const broken = tracked()
      .filter((file) => file.endsWith('.md'))
      .flatMap((file) =>
        [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
          .map((link) => link[1] ?? '')
          .filter((target) => !/^[a-z]+:/.test(target) && !existsSync(join(ROOT, dirname(file), target)))
          .map((target) => `${file}: ${target}`),
      );
    expect(broken).toEqual([]);
  });

  it('no comment points at the API specification outside the repository (its copy is test/fixtures/spec-api-v1.md)', () => {
    const outside = tracked().filter((file) => /(?<![\w/-])spec\/api-v1\.md/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(outside).toEqual([]);
  });
});
