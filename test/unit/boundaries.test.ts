/**
 * The module boundaries are a lint rule (eslint/boundaries.js): this runs ESLint with the
 * project's own configuration on imports placed in real folders of src/, and checks that each
 * leak is refused with a message naming it — and that the allowed imports pass.
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The boundary messages ESLint gives `code` as if it were the file `path` (relative to the root). */
async function leaks(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const x = 1;\n`, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'rampart/boundaries').map((m) => m.message);
}

describe('module boundaries (eslint/boundaries.js)', () => {
  it('the kernel imports no capability', async () => {
    expect(await leaks('src/kernel/domain/probe.ts', "import '../../identity/index.js';")).toEqual([
      expect.stringContaining('the kernel knows no capability'),
    ]);
  });

  it('a capability never uses one composed after it, even through its index', async () => {
    expect(await leaks('src/audit/services/probe.ts', "import '../../identity/index.js';")).toEqual([
      expect.stringContaining('audit is composed before identity and may not use it'),
    ]);
  });

  it('a capability uses an earlier one only through its index.ts', async () => {
    expect(await leaks('src/tenancy/services/probe.ts', "import '../../identity/accounts/ports/user-store.js';")).toEqual([
      expect.stringContaining('tenancy may use identity only through src/identity/index.ts'),
    ]);
    expect(await leaks('src/tenancy/services/probe.ts', "import '../../identity/index.js';")).toEqual([]);
  });

  it('no capability imports the application, and the application uses a capability only through its index', async () => {
    expect(await leaks('src/secrets/routes/probe.ts', "import '../../rampart.js';")).toEqual([
      expect.stringContaining('a capability must not import the application'),
    ]);
    expect(await leaks('src/http/probe.ts', "import '../secrets/services/secret-service.js';")).toEqual([
      expect.stringContaining('the application uses secrets only through src/secrets/index.ts'),
    ]);
  });

  it('inside a module, dependencies point inward', async () => {
    expect(await leaks('src/secrets/services/probe.ts', "import '../adapters/sql-secret-store.js';")).toEqual([
      expect.stringContaining('services/ must not import adapters/'),
    ]);
    expect(await leaks('src/identity/accounts/domain/probe.ts', "import '../ports/user-store.js';")).toEqual([
      expect.stringContaining('domain/ must not import ports/'),
    ]);
  });

  it('node:crypto only in crypto/ folders', async () => {
    expect(await leaks('src/audit/services/probe.ts', "import { randomBytes } from 'node:crypto';")).toEqual([
      expect.stringContaining('node:crypto belongs in a crypto/ folder'),
    ]);
    expect(await leaks('src/audit/crypto/probe.ts', "import { randomBytes } from 'node:crypto';")).toEqual([]);
  });
});
