/**
 * The order the lint rule reads from src/capabilities.ts (eslint/boundaries.js) is the order
 * createRampart composes in, and every capability's folder has its index.ts: otherwise the
 * boundary rule would allow a capability to use one composed after it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM module of the lint configuration, without types
import { CAPABILITY_ORDER } from '../../eslint/boundaries.js';
import { CAPABILITIES } from '../../src/capabilities.js';

const ROOT = join(import.meta.dirname, '..', '..');
const folderOf = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('the composition order', () => {
  it('eslint/boundaries.js reads the capabilities of src/capabilities.ts, in the same order', () => {
    expect(CAPABILITY_ORDER).toEqual(CAPABILITIES.map((capability) => folderOf(capability.name)));
  });

  it('each capability is a folder of src/ with an index.ts, its only door', () => {
    for (const capability of CAPABILITIES) expect(existsSync(join(ROOT, 'src', folderOf(capability.name), 'index.ts'))).toBe(true);
  });

  it('no two capabilities claim the same tenant table', () => {
    const tables = CAPABILITIES.flatMap((capability) => capability.tenantTables ?? []);
    expect(new Set(tables).size).toBe(tables.length);
  });
});
