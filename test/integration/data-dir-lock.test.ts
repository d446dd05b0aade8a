/**
 * Issue 21 item 6: two servers on one SQLite data directory ran silently apart — a logout on one
 * left the other accepting the token 32 s later. `rampart serve` now takes the data directory's
 * lock at start: a second `serve` exits 2 naming the holder's pid, and a CLI command that would
 * write behind the running server's back is refused the same way (two real processes). A lock
 * left by a process that died is taken over; a clean stop removes it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, readLockHolder } from '../../src/kernel/adapters/fs/data-dir-lock.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { cleanEnv, startChild, type Child } from '../helpers/processes.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

const cli = cliInProcess;

describe('adoption 6: one server per SQLite data directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'rampart-lock-'));
  const dataDir = join(root, 'data');
  const env = { RAMPART_DATA_DIR: dataDir, RAMPART_PORT: '0', RAMPART_LOG_LEVEL: 'warn' };
  const children: Child[] = [];
  const serve = (): Child => {
    const child = startChild(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'serve', '--json'], { env: cleanEnv(env) });
    children.push(child);
    return child;
  };
  afterAll(async () => {
    for (const child of children) await child.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('adoption 6: a second serve on the directory exits 2 naming the first one’s pid; a writing command is refused too; a clean stop frees it', async () => {
    const first = serve();
    await first.waitForJson((line) => typeof line.url === 'string', 'the url line');
    const pid = first.process.pid ?? 0;
    expect(readLockHolder(dataDir)).toMatchObject({ pid, role: 'serve' });

    const second = serve();
    const exit = await second.exited;
    expect(exit.code).toBe(2);
    expect(second.stderr()).toMatch(
      new RegExp(`another Rampart server \\(pid ${pid}, since [^)]+\\) is serving the data directory ${dataDir}`),
    );
    expect(second.stderr()).toMatch(new RegExp(`kill ${pid}`));
    expect(second.stderr().trim().split('\n')).toHaveLength(1);

    // A command that would write behind the server's back: refused, naming the server and the remote CLI.
    const command = await cli({ RAMPART_DATA_DIR: dataDir }, ['sessions', 'revoke-all']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(new RegExp(`a Rampart server \\(pid ${pid}, since [^)]+\\) is serving the data directory`));
    expect(command.stderr).toMatch(/remote CLI \(rampart login <its URL>\)/);

    first.process.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(join(dataDir, 'rampart.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'admin.sock'))).toBe(false);
  }, 120_000);

  it('adoption 6: a lock left by a process that died is taken over; a live holder is named', () => {
    const dir = join(root, 'stale');
    mkdirSync(dir, { mode: 0o700 });
    // A pid above Linux's pid_max default range: no process has it.
    writeFileSync(join(dir, 'rampart.lock'), JSON.stringify({ pid: 4_194_303, role: 'serve', since: 0 }), { mode: 0o600 });
    expect(readLockHolder(dir)).toBeUndefined();
    const lock = acquireDataDirLock(dir, 'serve');
    expect(readLockHolder(dir)).toMatchObject({ pid: process.pid, role: 'serve' });
    expect(() => acquireDataDirLock(dir, 'serve')).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(join(dir, 'rampart.lock'))).toBe(false);
  });
});
