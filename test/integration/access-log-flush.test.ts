/**
 * The access log is written through a buffered destination (issue 20 item 1): lines collect in
 * memory and reach the file in chunks, on a timer, and when the server closes — so the line of a
 * request answered just before `close()` is on disk once `close()` resolves, and none is lost.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, startChild } from '../helpers/processes.js';
import { buildServer } from '../../src/http/server.js';
import { createLogDestination, createLogger, flushLog, rawLineStream } from '../../src/kernel/adapters/log/pino-logger.js';
import { createRampart } from '../../src/rampart.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { testConfig } from '../helpers/rampart.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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

  it('perf 1: the access lines of one turn reach the destination as one write, and any other line drains them first', async () => {
    const file = join(dir, 'batched.log');
    const destination = createLogDestination(file);
    const writes: string[] = [];
    const write = destination.write.bind(destination);
    destination.write = (chunk: string) => {
      writes.push(chunk);
      return write(chunk);
    };
    const logger = createLogger('info', destination);
    const raw = rawLineStream(logger);
    const line = (n: number) => `{"level":"info","msg":"request completed","n":${n}}\n`;
    raw?.write(line(1));
    raw?.write(line(2));
    raw?.write(line(3));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([line(1) + line(2) + line(3)]);
    raw?.write(line(4));
    logger.warn('an outage began');
    expect(writes.slice(1, 2)).toEqual([line(4)]);
    await flushLog(logger);
    const written = readFileSync(file, 'utf8')
      .split('\n')
      .filter((text) => text !== '');
    expect(written.map((text) => (JSON.parse(text) as { n?: number; msg: string }).n ?? (JSON.parse(text) as { msg: string }).msg)).toEqual(
      [1, 2, 3, 4, 'an outage began'],
    );
  });

  it('perf 1: a line still buffered when the process exits is written at exit', async () => {
    const file = join(dir, 'exit.log');
    const child = startChild(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/log-exit.ts'), file], {
      cwd: ROOT,
      env: cleanEnv({}),
    });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    const line = JSON.parse(readFileSync(file, 'utf8').trim()) as { marker?: string; msg?: string };
    expect(line).toMatchObject({ marker: 'last-line-before-exit', msg: 'stopped' });
  });
});
