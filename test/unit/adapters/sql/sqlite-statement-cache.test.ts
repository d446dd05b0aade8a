import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStatementCache } from '../../../../src/kernel/adapters/sql/sqlite-statement-cache.js';

interface Db {
  items: { id: number; name: string };
}

function memoryHandle(): BetterSqlite3.Database {
  const handle = new BetterSqlite3(':memory:');
  handle.exec('create table items (id integer primary key, name text not null)');
  handle.prepare('insert into items (id, name) values (?, ?), (?, ?), (?, ?)').run(1, 'a', 2, 'b', 3, 'c');
  return handle;
}

describe('SqliteStatementCache', () => {
  const opened: BetterSqlite3.Database[] = [];
  const open = (): BetterSqlite3.Database => {
    const handle = memoryHandle();
    opened.push(handle);
    return handle;
  };
  afterEach(() => {
    for (const handle of opened.splice(0)) if (handle.open) handle.close();
  });

  it('hands out the same prepared statement for the same SQL text, a new one for another text', () => {
    const cache = new SqliteStatementCache(open());
    const first = cache.prepare('select name from items where id = ?');
    expect(cache.prepare('select name from items where id = ?')).toBe(first);
    expect(cache.prepare('select id from items where name = ?')).not.toBe(first);
    expect(cache.size).toBe(2);
  });

  it('never hands out a statement that is busy iterating: the second caller gets its own, and both work', () => {
    const cache = new SqliteStatementCache(open());
    const sql = 'select id from items order by id';
    const iterating = cache.prepare(sql);
    const iterator = iterating.iterate([]);
    expect(iterator.next().value).toEqual({ id: 1 });
    const second = cache.prepare(sql);
    expect(second).not.toBe(iterating);
    // The busy one would throw "This statement is busy executing a query" here.
    expect(second.all([])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect([...iterator]).toEqual([{ id: 2 }, { id: 3 }]);
    // Once the iteration is over, the cached statement is served again.
    expect(cache.prepare(sql)).toBe(iterating);
  });

  it('keeps at most maxEntries statements, dropping the least recently used', () => {
    const cache = new SqliteStatementCache(open(), { maxEntries: 2 });
    const one = cache.prepare('select 1');
    const two = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(one); // now "select 2" is the least recently used
    cache.prepare('select 3');
    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(one);
    expect(cache.prepare('select 2')).not.toBe(two);
    expect(cache.size).toBe(2);
  });

  it('does not keep texts longer than maxSqlLength', () => {
    const cache = new SqliteStatementCache(open(), { maxSqlLength: 20 });
    const long = 'select id, name from items';
    expect(cache.prepare(long)).not.toBe(cache.prepare(long));
    expect(cache.size).toBe(0);
  });

  it('refuses nonsensical bounds', () => {
    expect(() => new SqliteStatementCache(open(), { maxEntries: 0 })).toThrow(RangeError);
    expect(() => new SqliteStatementCache(open(), { maxSqlLength: 1.5 })).toThrow(RangeError);
  });

  it('gives Kysely the same results as the bare handle, reads, writes, transactions and streams alike', async () => {
    const run = async (database: BetterSqlite3.Database | SqliteStatementCache) => {
      const db = new Kysely<Db>({ dialect: new SqliteDialect({ database }) });
      const seen: unknown[] = [];
      for (let round = 0; round < 3; round++) {
        seen.push(await db.selectFrom('items').select(['id', 'name']).where('id', '>', round).orderBy('id').execute());
        seen.push(
          await db
            .updateTable('items')
            .set({ name: `n${round}` })
            .where('id', '=', 1)
            .executeTakeFirst(),
        );
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('items')
            .values({ id: 10 + round, name: 'x' })
            .execute();
        });
        const streamed: unknown[] = [];
        for await (const row of db.selectFrom('items').select('id').orderBy('id').stream()) streamed.push(row);
        seen.push(streamed);
      }
      await db.destroy();
      return seen;
    };
    const cached = new SqliteStatementCache(open());
    const withCache = await run(cached);
    expect(await run(open())).toEqual(withCache);
    expect(withCache.length).toBe(9);
  });

  it('closes the handle and forgets its statements on close', () => {
    const handle = open();
    const cache = new SqliteStatementCache(handle);
    cache.prepare('select 1');
    cache.close();
    expect(handle.open).toBe(false);
    expect(cache.size).toBe(0);
  });
});
