// The error codes are the contract (test/fixtures/spec-api-v1.md, "Conventions"): the catalog in
// src/kernel/domain/errors.ts, the status mapper in src/kernel/http/problem.ts, the published OpenAPI document
// and the spec must name the same codes with the same statuses. A code added in one place only
// fails here, naming the place that lags behind.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/kernel/domain/errors.js';
import { STATUS_BY_CODE } from '../../src/kernel/http/problem.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/spec-api-v1.md', import.meta.url));
/** The shared spec this fixture copies, when the checkout sits next to it. */
const SHARED_SPEC = fileURLToPath(new URL('../../../shared/spec/api-v1.md', import.meta.url));

const spec = readFileSync(FIXTURE, 'utf8');
const catalogCodes = Object.keys(ERROR_CATALOG).sort();

/** The "## Conventions" section of the spec. */
function conventions(text: string): string {
  const start = text.indexOf('## Conventions');
  const end = text.indexOf('\n## ', start + 1);
  if (start === -1) throw new Error('the spec has no "## Conventions" section');
  return text.slice(start, end === -1 ? undefined : end);
}

/** The codes of the Conventions error list: "`code` is stable and machine-readable (`a`, `b`, …)". */
function listedCodes(section: string): string[] {
  const list = /`code` is stable and machine-readable \(([^)]*)\)/.exec(section)?.[1];
  if (list === undefined) throw new Error('the Conventions section has no error code list');
  return [...list.matchAll(/`([a-z][a-z0-9_]*)`/g)].map((match) => match[1] ?? '');
}

/** Every "<status> `code`" pair the spec writes anywhere, e.g. "403 `csrf_failed`". */
function statusPairs(text: string): [number, string][] {
  return [...text.matchAll(/\b([1-5]\d\d) `([a-z][a-z0-9_]*)`/g)].map((match) => [Number(match[1]), match[2] ?? '']);
}

describe('error catalog drift', () => {
  let store: BackendInstance;
  let server: TestServer;
  let document: {
    components: { schemas: { Problem: { properties: { code: { enum: string[] } } } } };
    'x-problem-codes': Record<string, { status: number }>;
  };

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store);
    document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('maps exactly the catalog’s codes to a status (src/kernel/http/problem.ts)', () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual(catalogCodes);
    for (const status of Object.values(STATUS_BY_CODE)) expect(status >= 400 && status <= 599, String(status)).toBe(true);
  });

  it('publishes exactly the catalog’s codes in the OpenAPI Problem schema', () => {
    expect([...document.components.schemas.Problem.properties.code.enum].sort()).toEqual(catalogCodes);
  });

  it('publishes exactly the catalog’s codes, with their statuses, in x-problem-codes', () => {
    expect(Object.keys(document['x-problem-codes']).sort()).toEqual(catalogCodes);
    for (const [code, { status }] of Object.entries(document['x-problem-codes'])) {
      expect(status, code).toBe(STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE]);
    }
  });

  it('holds every code the spec lists in its Conventions', () => {
    const listed = listedCodes(conventions(spec));
    expect(listed.length).toBeGreaterThan(10);
    expect(catalogCodes).toEqual(expect.arrayContaining(listed));
  });

  it('gives every code the spec writes with a status that same status', () => {
    const pairs = statusPairs(spec);
    expect(pairs).toEqual(
      expect.arrayContaining([
        [403, 'csrf_failed'],
        [413, 'payload_too_large'],
      ]),
    );
    for (const [status, code] of pairs) {
      expect(catalogCodes, `the spec names ${status} \`${code}\``).toContain(code);
      expect(STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE], code).toBe(status);
    }
  });

  it.skipIf(!existsSync(SHARED_SPEC))('reads a fixture identical to the shared spec', () => {
    expect(spec, 'copy ../shared/spec/api-v1.md to test/fixtures/spec-api-v1.md').toBe(readFileSync(SHARED_SPEC, 'utf8'));
  });
});
