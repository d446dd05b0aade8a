/**
 * The problem mapper on store faults, with errors raised by the real drivers (not hand-made):
 * a database that does not answer is 503 `service_unavailable` with Retry-After, not 500 (issue
 * 24 item 3); text PostgreSQL cannot store (a NUL byte: SQLSTATE 22021) is 400
 * `validation_failed`, not 500 (issue 13 item 16, defence in depth behind the schemas). Neither
 * answer carries the driver's message, the SQL or the rule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/kernel/domain/errors.js';
import { retryAfterOf, toProblem } from '../../../src/kernel/http/problem.js';
import { freePort } from '../../helpers/processes.js';
import { PG_ADMIN_URL, postgresAvailable } from '../../helpers/services.js';

async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('toProblem on store faults', () => {
  it('faults 3: a refused PostgreSQL connection is 503 service_unavailable with Retry-After, not 500', async () => {
    const port = await freePort();
    const pool = new pg.Pool({ connectionString: `postgres://nobody:pw-not-leaked@127.0.0.1:${port}/x`, connectionTimeoutMillis: 1000 });
    const error = await rejection(() => pool.query('select 1'));
    await pool.end();
    const { problem, internal } = toProblem(error, 'req_1');
    expect(internal).toBe(false);
    expect(problem).toMatchObject({ status: 503, code: 'service_unavailable', request_id: 'req_1' });
    expect(retryAfterOf(error, problem)).toBe(1);
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|pw-not-leaked|127\.0\.0\.1/);
  });

  it('faults 3: a connection killed by the server (57P01) and one wrapped by a service are 503', async () => {
    const killed = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(toProblem(killed, 'r').problem.status).toBe(503);
    const wrapped = new Error('could not record', { cause: new Error('Connection terminated unexpectedly') });
    expect(toProblem(wrapped, 'r').problem).toMatchObject({ status: 503, code: 'service_unavailable' });
  });

  it('faults 3: a SQLite database locked past its busy timeout is 503', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-busy-'));
    const first = new BetterSqlite3(join(dir, 'busy.db'));
    const second = new BetterSqlite3(join(dir, 'busy.db'), { timeout: 10 });
    let error: unknown;
    try {
      first.exec('create table t(x)');
      first.exec('begin exclusive');
      second.exec('insert into t values (1)');
    } catch (caught) {
      error = caught;
    } finally {
      first.close();
      second.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
    expect(toProblem(error, 'r').problem).toMatchObject({ status: 503, code: 'service_unavailable' });
  });

  it('a bug stays 500 internal_error, and a 4xx domain error gets no Retry-After', () => {
    const bug = Object.assign(new Error('syntax error at or near "selec"'), { code: '42601' });
    const { problem, internal } = toProblem(bug, 'r');
    expect(internal).toBe(true);
    expect(problem.status).toBe(500);
    expect(retryAfterOf(bug, problem)).toBeUndefined();
    const refused = new DomainError('conflict', 'taken');
    expect(retryAfterOf(refused, toProblem(refused, 'r').problem)).toBeUndefined();
  });
});

describe.runIf(await postgresAvailable())('toProblem on text PostgreSQL cannot store', () => {
  it('hardening 16: a NUL byte in text (SQLSTATE 22021) is 400 validation_failed without the rule or the value', async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    const error = await rejection(() => client.query('select $1::text as value', ['before\u0000after'])).finally(() => client.end());
    expect((error as { code?: string }).code).toBe('22021');
    const { problem, internal } = toProblem(error, 'req_2');
    expect(internal).toBe(false);
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed', errors: [{ field: 'body' }] });
    expect(JSON.stringify(problem)).not.toMatch(/22021|UTF8|encoding|0x00|before/);
  });
});
