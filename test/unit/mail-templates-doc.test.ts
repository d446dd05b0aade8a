/**
 * docs/mail-templates.md shows every mail Rampart can send, as plain text (issue 18's acceptance).
 * The templates are found, not listed by hand: every module of src/ that names `MailTemplate` is
 * imported and each template it exports is collected — a template, or a record or array of them
 * (`SECURITY_TEMPLATES`). A template a module declares but does not export would escape this, so
 * that is refused too. The document fails this test when
 * - a template is not shown, or is shown twice, or a template it shows exists in no module;
 * - a subject or a plain-text body it shows is not the source's, character for character (the
 *   `text` block is `Subject: …`, an empty line, then the body without its final line break);
 * - its `Placeholders:` line does not name exactly the template's `{{placeholders}}`;
 * - a template is shown under the heading of another module than the one that exports it.
 * Each failure names the template and says what to change in the document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MailTemplate } from '../../src/mail/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = 'docs/mail-templates.md';
const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/gi;
/** A template's `name:` written in its module: a dotted literal, or a template string (`identity.security.${kind}`). */
const NAME_LITERAL = /\bname:\s*(['"`])([a-z][a-z0-9_]*(?:\.(?:[a-z][a-z0-9_]*|\$\{[^}]*\}))+)\1/g;

/** A template and the modules (paths from the root) that export it. */
interface FoundTemplate {
  readonly template: MailTemplate;
  readonly modules: string[];
}

/** A template's section in the document. */
interface ShownTemplate {
  readonly name: string;
  /** The source path named by the `##` heading the section is under. */
  readonly module: string | undefined;
  readonly block?: string;
  readonly placeholders?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const fromRoot = (file: string): string => relative(ROOT, file).split(sep).join('/');

function isTemplate(value: unknown): value is MailTemplate {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return ['name', 'subject', 'text', 'html'].every((key) => typeof fields[key] === 'string');
}

/** The templates an export holds: itself, or the values of a record or an array of templates. */
function templatesIn(value: unknown): MailTemplate[] {
  if (isTemplate(value)) return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).filter(isTemplate);
}

/** The modules of src/ that name `MailTemplate`: where a template can be declared. */
function templateModules(): string[] {
  return sourceFiles(join(ROOT, 'src')).filter((file) => readFileSync(file, 'utf8').includes('MailTemplate'));
}

/** Every exported template, by name; `problems` gets two different templates with one name. */
async function collect(modules: readonly string[], problems: string[]): Promise<Map<string, FoundTemplate>> {
  const found = new Map<string, FoundTemplate>();
  for (const file of modules) {
    const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const template of Object.values(exports).flatMap(templatesIn)) {
      const known = found.get(template.name);
      if (known === undefined) found.set(template.name, { template, modules: [fromRoot(file)] });
      else if (known.template !== template)
        problems.push(`${template.name}: two different templates have this name (${known.modules[0]}, ${fromRoot(file)})`);
      else if (!known.modules.includes(fromRoot(file))) known.modules.push(fromRoot(file));
    }
  }
  return found;
}

/** The template names written in `text` as `name:` literals, as patterns (`${…}` stands for any word). */
function declaredNames(text: string): RegExp[] {
  return [...text.matchAll(NAME_LITERAL)].map(
    ([, , name = '']) =>
      new RegExp(
        `^${name
          .split(/\$\{[^}]*\}/)
          .map((part) => part.replace(/\./g, '\\.'))
          .join('[a-z0-9_]+')}$`,
      ),
  );
}

/** The `### \`name\`` sections of the document, each with its heading's module, `text` block and `Placeholders:` line. */
function shownTemplates(doc: string): ShownTemplate[] {
  const shown: ShownTemplate[] = [];
  let module: string | undefined;
  let current: { name: string; module: string | undefined; block?: string; placeholders?: string } | undefined;
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('#')) {
      if (line.startsWith('## ')) module = /`(src\/[^`]+\.ts)`/.exec(line)?.[1];
      const name = /^### `([^`]+)`\s*$/.exec(line)?.[1];
      current = name === undefined ? undefined : { name, module };
      if (current !== undefined) shown.push(current);
    } else if (current !== undefined && current.block === undefined && line === '```text') {
      const end = lines.indexOf('```', i + 1);
      current.block = lines.slice(i + 1, end === -1 ? undefined : end).join('\n');
      i = end === -1 ? lines.length : end;
    } else if (current !== undefined && current.placeholders === undefined && line.startsWith('Placeholders:')) {
      current.placeholders = line;
    }
  }
  return shown;
}

function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))].sort();
}

/** What the `text` block of `template` must hold. */
function expectedBlock(template: MailTemplate): string {
  return `Subject: ${template.subject}\n\n${template.text.replace(/\n$/, '')}`;
}

describe('mail templates in docs/mail-templates.md', () => {
  const problems: string[] = [];
  let modules: string[];
  let found: Map<string, FoundTemplate>;
  let shown: ShownTemplate[];

  beforeAll(async () => {
    modules = templateModules();
    found = await collect(modules, problems);
    shown = shownTemplates(readFileSync(join(ROOT, DOC), 'utf8'));
  });

  it('mail templates: the document parser reads a section as the document writes it', () => {
    const sample = [
      '## Things (`src/mail/domain/mail.ts`)',
      '',
      '### `some.thing`',
      '',
      'To someone.',
      '',
      '```text',
      'Subject: Hi {{who}}',
      '',
      'Body',
      '```',
      '',
      'Placeholders: `{{who}}` who.',
    ].join('\n');
    expect(shownTemplates(sample)).toEqual([
      {
        name: 'some.thing',
        module: 'src/mail/domain/mail.ts',
        block: 'Subject: Hi {{who}}\n\nBody',
        placeholders: 'Placeholders: `{{who}}` who.',
      },
    ]);
    expect(declaredNames("name: 'a.b', name: `a.c.${kind}`").map(String)).toEqual(['/^a\\.b$/', '/^a\\.c\\.[a-z0-9_]+$/']);
  });

  it('mail templates: every template a module of src/ declares is exported, so this test sees it', () => {
    expect(problems).toEqual([]);
    // The mails of the issues that asked for them: a discovery that finds nothing would pass the rest.
    expect([...found.keys()]).toEqual(
      expect.arrayContaining([
        'identity.email_verify',
        'identity.security.sign_in_new_device',
        'identity.security_alert',
        'tenancy.invitation',
      ]),
    );
    const hidden = modules.flatMap((file) =>
      declaredNames(readFileSync(file, 'utf8'))
        .filter((pattern) => ![...found.keys()].some((name) => pattern.test(name)))
        .map((pattern) => `${fromRoot(file)} declares a template named ${pattern.source} that it does not export: export it`),
    );
    expect(hidden).toEqual([]);
  });

  it('mail templates: every template is shown once, under the heading of the module that exports it', () => {
    const missing: string[] = [];
    for (const [name, { modules: from }] of found) {
      const sections = shown.filter((section) => section.name === name);
      if (sections.length === 0)
        missing.push(
          `${name} (${from.join(', ')}) is not in ${DOC}: add a "### \`${name}\`" section under the heading that names ${from[0]}, ` +
            'saying when it is sent and to whom, with its subject and text in a ```text block and a "Placeholders:" line',
        );
      else if (sections.length > 1) missing.push(`${name} is shown ${sections.length} times in ${DOC}: keep one section`);
      else if (sections[0]?.module === undefined || !from.includes(sections[0].module))
        missing.push(
          `${name} is shown under the heading of ${sections[0]?.module ?? 'no module'} in ${DOC}: move it under the heading of ${from[0]}`,
        );
    }
    expect(missing).toEqual([]);
  });

  it('mail templates: the document shows no template that does not exist', () => {
    const stale = shown
      .filter((section) => !found.has(section.name))
      .map(
        (section) =>
          `${DOC} shows ${section.name}, which no module of src/ exports: remove its section, or rename it to the template's name`,
      );
    expect(stale).toEqual([]);
  });

  it('mail templates: each subject and plain-text body shown is the source’s', () => {
    const differ: string[] = [];
    for (const section of shown) {
      const template = found.get(section.name)?.template;
      if (template === undefined) continue;
      const expected = expectedBlock(template);
      if (section.block !== expected)
        differ.push(
          `${section.name}: the subject or text shown in ${DOC} is not the one in ${found.get(section.name)?.modules[0]}; ` +
            `make its \`\`\`text block:\n${expected}`,
        );
    }
    expect(differ).toEqual([]);
  });

  it('mail templates: each Placeholders line names exactly the template’s placeholders', () => {
    const differ: string[] = [];
    for (const section of shown) {
      const template = found.get(section.name)?.template;
      if (template === undefined) continue;
      const expected = placeholdersOf(`${template.subject}\n${template.text}\n${template.html}`);
      const listed = placeholdersOf(section.placeholders ?? '');
      if (section.placeholders === undefined || listed.join() !== expected.join())
        differ.push(
          `${section.name}: the "Placeholders:" line in ${DOC} names ${listed.map((name) => `{{${name}}}`).join(', ') || 'nothing'}; ` +
            `make it name ${expected.map((name) => `{{${name}}}`).join(', ')}, each with what it holds (never a secret value)`,
        );
    }
    expect(differ).toEqual([]);
  });
});
