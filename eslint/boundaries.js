// The module boundaries of docs/architecture.md, as one lint rule that resolves every relative
// import against the importing file and names the leak it finds:
// 1. src/kernel/ imports no capability and nothing of the application (src/http, src/cli, the root files).
// 2. A capability uses an earlier one only through its src/<capability>/index.ts, and never a
//    later one (the order is src/capabilities.ts's, read from that file).
// 3. No capability imports the application.
// 4. Inside a module (and the kernel), dependencies point inward between the role folders.
// 5. The application (src/http, src/cli, the root files) uses a capability only through its index.ts.
// 6. node:crypto only in crypto/ folders: randomness, hashing and ciphers live there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Capability folders under src/, in composition order, read from src/capabilities.ts itself (its
 * `CAPABILITIES` list and the index each name is imported from), so that adding a capability
 * there is the only list to edit. A start that cannot read it fails the lint run.
 */
export const CAPABILITY_ORDER = readCapabilityOrder(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'capabilities.ts'),
);

function readCapabilityOrder(file) {
  const text = readFileSync(file, 'utf8');
  const folderOf = new Map(
    [...text.matchAll(/import \{ (\w+) \} from '\.\/([\w-]+)\/index\.js';/g)].map(([, name, folder]) => [name, folder]),
  );
  const list = /CAPABILITIES[^=]*=\s*Object\.freeze\(\[([^\]]*)\]\)/.exec(text);
  if (list === null) throw new Error(`eslint/boundaries.js: no CAPABILITIES list in ${file}`);
  return list[1]
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => {
      const folder = folderOf.get(name);
      if (folder === undefined) throw new Error(`eslint/boundaries.js: ${name} in CAPABILITIES is not imported from ./<folder>/index.js`);
      return folder;
    });
}

/** Role folders and the roles each must not import (dependencies point inward). */
const INWARD = {
  domain: ['crypto', 'ports', 'services', 'adapters', 'routes', 'http', 'cli'],
  crypto: ['ports', 'services', 'adapters', 'routes', 'http', 'cli'],
  ports: ['services', 'adapters', 'routes', 'http', 'cli'],
  services: ['adapters', 'routes', 'http', 'cli'],
  adapters: ['services', 'routes', 'http', 'cli'],
  routes: ['adapters', 'cli'],
  http: ['adapters', 'cli'],
  cli: ['routes', 'http'],
};

/** Where a file of src/ lives: its area (kernel, migrations, a capability, or app) and its role folder. */
function place(srcRelative) {
  const parts = srcRelative.split('/');
  const top = parts[0];
  const area = top === 'kernel' || top === 'migrations' || CAPABILITY_ORDER.includes(top) ? top : 'app';
  const role = parts.slice(1, -1).find((part) => Object.hasOwn(INWARD, part));
  return { area, role, isIndex: parts.length === 2 && parts[1] === 'index.ts' };
}

const rule = {
  meta: { type: 'problem', schema: [], docs: { description: 'module and layer boundaries (docs/architecture.md)' } },
  create(context) {
    const file = context.filename;
    const src = path.resolve(context.cwd, 'src');
    if (!file.startsWith(src + path.sep)) return {};
    const from = place(path.relative(src, file).split(path.sep).join('/'));
    const fromName = path.relative(context.cwd, file).split(path.sep).join('/');

    function check(node, source) {
      if (typeof source !== 'string') return;
      if (source === 'node:crypto' || source === 'crypto') {
        if (from.role !== 'crypto')
          context.report({
            node,
            message: `${fromName}: node:crypto belongs in a crypto/ folder (randomness, hashing and ciphers live there)`,
          });
        return;
      }
      if (!source.startsWith('.')) return;
      const target = path
        .relative(src, path.resolve(path.dirname(file), source))
        .split(path.sep)
        .join('/')
        .replace(/\.js$/, '.ts');
      if (target.startsWith('..')) return;
      const to = place(target);
      const leak = (message) => context.report({ node, message: `${fromName} imports src/${target}: ${message}` });
      if (from.area === 'kernel' || from.area === 'migrations') {
        if (to.area !== 'kernel' && to.area !== 'migrations')
          leak(`the kernel knows no capability and not the application (src/${target.split('/')[0]})`);
      } else if (from.area !== 'app') {
        if (to.area === 'app') leak(`a capability must not import the application (rampart.ts, http/, cli/)`);
        else if (to.area !== from.area && CAPABILITY_ORDER.includes(to.area)) {
          const i = CAPABILITY_ORDER.indexOf(from.area);
          const j = CAPABILITY_ORDER.indexOf(to.area);
          if (j > i) leak(`${from.area} is composed before ${to.area} and may not use it (src/capabilities.ts)`);
          else if (!to.isIndex) leak(`${from.area} may use ${to.area} only through src/${to.area}/index.ts`);
        }
      } else if (CAPABILITY_ORDER.includes(to.area) && !to.isIndex) {
        leak(`the application uses ${to.area} only through src/${to.area}/index.ts`);
      }
      if (from.role !== undefined && to.area === from.area && to.role !== undefined && INWARD[from.role].includes(to.role))
        leak(`${from.role}/ must not import ${to.role}/ (dependencies point inward)`);
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export const boundaries = { rules: { boundaries: rule } };
