/**
 * The access log is written through a buffered destination (issue 20 item 1): lines collect in
 * memory and reach the file in chunks, on a timer, and when the server closes — so the line of a
 * request answered just before `close()` is on disk once `close()` resolves, and none is lost.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { createLogDestination, createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { createRampart } from '../../src/rampart.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { testConfig } from '../helpers/rampart.js';

describe('the buffered access log', () => {
  let store: BackendInstance;
  let dir: string;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    dir = mkdtempSync(join(tmpdir(), 'rampart-log-'));
  });

  afterAll(async () => {
    await store?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('perf 1: the line of a request answered just before close() is on disk when close() resolves, pre-serialised and redacted', async () => {
    const file = join(dir, 'rampart.log');
    const rampart = await createRampart(testConfig(store), { logger: createLogger('info', createLogDestination(file)) });
    const app = await buildServer(rampart);
    await app.ready();
    const response = await app.inject({
      method: 'GET',
      url: '/healthz?token=s3cr3t-value',
      headers: { 'x-request-id': 'flush-last-line' },
    });
    expect(response.statusCode).toBe(200);
    await app.close();
    await rampart.close();
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.find((line) => line.reqId === 'flush-last-line');
    expect(access).toMatchObject({
      level: 'info',
      service: 'rampart',
      msg: 'request completed',
      method: 'GET',
      route: '/healthz',
      status: 200,
    });
    expect(typeof access?.time).toBe('string');
    expect(JSON.stringify(access)).not.toContain('s3cr3t-value');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
