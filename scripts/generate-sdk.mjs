/**
 * `npm run sdk:generate`: writes src/sdk/schema.ts, the SDK's types, from the server's own OpenAPI
 * document. The document comes from a server composed in memory on a throw-away SQLite data
 * directory with the default configuration (the way test/integration/openapi.test.ts reads it:
 * `GET /api/v1/openapi.json` through `inject`, no socket), so the result depends on the code only.
 * openapi-typescript turns it into types, prettier formats them with the repository's settings.
 * test/integration/sdk.test.ts regenerates in memory and fails on any difference
 * ("run npm run sdk:generate"). Run with tsx (it imports the TypeScript sources).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
export const SCHEMA_FILE = join(ROOT, 'src', 'sdk', 'schema.ts');

const HEADER = `/**
 * The Rampart HTTP API's types, generated from the server's OpenAPI document by
 * scripts/generate-sdk.mjs (openapi-typescript). Do not edit: run \`npm run sdk:generate\`.
 */
`;

/** The OpenAPI document of a server composed with the default configuration. */
export async function openApiDocument() {
  const { loadConfig } = await import('../src/config.js');
  const { createRampart } = await import('../src/rampart.js');
  const { buildServer } = await import('../src/http/server.js');
  const { createLogger } = await import('../src/kernel/adapters/log/pino-logger.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'rampart-sdk-'));
  try {
    const config = loadConfig({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_LOG_LEVEL: 'error', RAMPART_PORT: '0' } });
    const rampart = await createRampart(config, { logger: createLogger('error', process.stderr) });
    try {
      const app = await buildServer(rampart);
      try {
        await app.ready();
        const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
        if (response.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${response.statusCode}`);
        return response.json();
      } finally {
        await app.close();
      }
    } finally {
      await rampart.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The text of src/sdk/schema.ts for `document`. */
export async function schemaSource(document) {
  const ast = await openapiTS(document, { alphabetize: true, exportType: false });
  const text = `${HEADER}\n${astToString(ast)}`;
  const options = (await prettier.resolveConfig(SCHEMA_FILE)) ?? {};
  return prettier.format(text, { ...options, filepath: SCHEMA_FILE });
}

async function main() {
  const source = await schemaSource(await openApiDocument());
  writeFileSync(SCHEMA_FILE, source);
  process.stderr.write(`wrote ${SCHEMA_FILE}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`generate-sdk: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
