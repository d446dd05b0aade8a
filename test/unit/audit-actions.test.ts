/**
 * The audit actions (`AuditActions` in src/kernel/domain/audit-entry.ts): each capability declares
 * the actions it records in its `domain/audit-actions.ts`, by declaration merging, and lists them
 * in a const (test/helpers/audit-actions.ts gathers the lists). The type checker already refuses a
 * recorded action that no capability declares; this test keeps the declarations and the lists
 * honest:
 * - each capability's list is exactly what its `interface AuditActions` declares, and no action
 *   is declared twice, nor by two capabilities;
 * - no other file adds to `AuditActions`, and the kernel declares none;
 * - every declared action is recorded somewhere in src/ (a literal the type checker types as an
 *   `AuditAction`), and only by the capability that declares it or by the application (the
 *   `rampart` CLI): `user.export` is my-data's, not identity's.
 * test/integration/audit-coverage.test.ts checks the running server's entries against the lists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS_BY_CAPABILITY, DECLARED_AUDIT_ACTIONS, LISTS_COVER_THE_UNION } from '../helpers/audit-actions.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const CAPABILITIES: readonly string[] = Object.keys(AUDIT_ACTIONS_BY_CAPABILITY);
const KERNEL_FILE = 'kernel/domain/audit-entry.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const fromSrc = (file: string): string => relative(SRC, file).split(sep).join('/');

/** Each declaration of `interface AuditActions` in src/, by file: the keys it declares, in order. */
function declarations(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('AuditActions')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isInterfaceDeclaration(node) && node.name.text === 'AuditActions') {
        const keys = node.members.map((member) => {
          if (!ts.isPropertySignature(member) || !ts.isStringLiteral(member.name))
            throw new Error(`${fromSrc(file)}: a key that is not a quoted action`);
          return member.name.text;
        });
        found.set(fromSrc(file), [...(found.get(fromSrc(file)) ?? []), ...keys]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The string literals of src/ in an action's place (typed `AuditAction` by the checker): action → the files recording it. */
function recordingSites(declared: ReadonlySet<string>): Map<string, Set<string>> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.build.json could not be read');
  const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const isActionPlace = (node: ts.Expression): boolean => {
    const type = checker.getContextualType(node);
    if (type === undefined) return false;
    const literals = new Set((type.isUnion() ? type.types : [type]).flatMap((member) => (member.isStringLiteral() ? [member.value] : [])));
    return [...declared].every((action) => literals.has(action));
  };
  const sites = new Map<string, Set<string>>();
  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || !source.fileName.startsWith(`${SRC.split(sep).join('/')}/`)) continue;
    const file = fromSrc(source.fileName);
    // The lists themselves are typed `AuditAction` too: they declare, they do not record.
    if (file.endsWith('/domain/audit-actions.ts')) continue;
    const visit = (node: ts.Node): void => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && declared.has(node.text) && isActionPlace(node)) {
        sites.set(node.text, (sites.get(node.text) ?? new Set()).add(file));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}

describe('audit actions', () => {
  it('are listed once each, in one capability, shaped as dotted lower-case names', () => {
    expect(LISTS_COVER_THE_UNION).toBe(true);
    const twice = DECLARED_AUDIT_ACTIONS.filter((action, i) => DECLARED_AUDIT_ACTIONS.indexOf(action) !== i);
    expect(twice, 'declared more than once').toEqual([]);
    for (const action of DECLARED_AUDIT_ACTIONS) expect(action).toMatch(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/);
  });

  it("each capability's list is exactly what its domain/audit-actions.ts adds to AuditActions; nothing else adds any", () => {
    const found = declarations();
    expect(found.get(KERNEL_FILE), 'the kernel records no action of its own').toEqual([]);
    found.delete(KERNEL_FILE);
    expect([...found.keys()].sort()).toEqual(CAPABILITIES.map((capability) => `${capability}/domain/audit-actions.ts`).sort());
    for (const capability of CAPABILITIES) {
      const listed: readonly string[] = AUDIT_ACTIONS_BY_CAPABILITY[capability as keyof typeof AUDIT_ACTIONS_BY_CAPABILITY];
      expect(listed, capability).toEqual(found.get(`${capability}/domain/audit-actions.ts`));
    }
  });

  it('each is recorded somewhere in src/, by the capability that declares it or the application', { timeout: 120_000 }, () => {
    const sites = recordingSites(new Set(DECLARED_AUDIT_ACTIONS));
    const unrecorded = DECLARED_AUDIT_ACTIONS.filter((action) => !sites.has(action));
    expect(unrecorded, 'declared but recorded nowhere: remove them, or record them').toEqual([]);
    const misplaced: string[] = [];
    for (const [capability, actions] of Object.entries(AUDIT_ACTIONS_BY_CAPABILITY)) {
      for (const action of actions) {
        for (const file of sites.get(action) ?? []) {
          const area = file.includes('/') ? (file.split('/')[0] ?? '') : 'root';
          const application = area === 'http' || area === 'cli' || area === 'root';
          if (area !== capability && !application) misplaced.push(`${action} (declared by ${capability}) recorded in src/${file}`);
        }
      }
    }
    expect(misplaced).toEqual([]);
  });
});
