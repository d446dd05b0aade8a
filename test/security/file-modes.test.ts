/**
 * Issue 22, item 7 (pinning what the code already does): every file Rampart writes that may hold a
 * secret or personal data is readable by its owner only — 0600 files in 0700 directories — however
 * permissive the process umask. A file created with the default mode under umask 0 would be 0666:
 * the exploit is any other local account reading the master key, a backup, a checkpoint witness,
 * the bootstrap admin's password or a stored CLI login.
 *
 * The tests run with umask 0, so a mode that only the umask made private fails here.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { WitnessFile } from '../../src/audit/adapters/witness-file.js';
import { DirectoryBackupTarget } from '../../src/backups/adapters/directory-backup-target.js';
import { writeBootstrapNotice } from '../../src/identity/accounts/adapters/bootstrap-notice-file.js';
import { masterKeyPath } from '../../src/kernel/adapters/fs/master-key-file.js';
import { saveLogin } from '../../src/kernel/cli/login-store.js';
import { secret } from '../../src/kernel/domain/secret.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Every file and directory under `dir`, with its mode, as `path: 0NNN` lines for a readable diff. */
function modesUnder(dir: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const line = `${path.slice(dir.length)}: 0${mode(path).toString(8)}`;
    if (entry.isDirectory()) dirs.push(line);
    else if (entry.isFile()) files.push(line);
  }
  return { files, dirs };
}

describe('promises 7: the modes of the files Rampart writes', () => {
  let previousUmask: number;
  let scratch: string;
  let backend: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    previousUmask = process.umask(0);
    scratch = mkdtempSync(join(tmpdir(), 'rampart-modes-'));
    backend = await sqliteBackend.create();
    server = await testServer(backend, { env: ADMIN_ENV });
  });
  afterAll(async () => {
    await server?.close();
    await backend?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
    process.umask(previousUmask);
  });

  it('promises 7: the data directory is 0700 and every file in it 0600 (master key, database, notices)', () => {
    expect(mode(backend.dataDir)).toBe(0o700);
    expect(mode(masterKeyPath(backend.dataDir))).toBe(0o600);
    const { files, dirs } = modesUnder(backend.dataDir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.filter((line) => !line.endsWith(': 0600'))).toEqual([]);
    expect(dirs.filter((line) => !line.endsWith(': 0700'))).toEqual([]);
  });

  it('promises 7: the audit witness file is created 0600', async () => {
    const path = join(scratch, 'witness.jsonl');
    await new WitnessFile(path).push('rampart.example.test/audit\n1\nAAAA\n');
    expect(mode(path)).toBe(0o600);
  });

  it('promises 7: a backup is written 0600 into a 0700 directory', async () => {
    const target = new DirectoryBackupTarget(join(scratch, 'backups'));
    await target.write('rampart-backup-1.tar', Readable.from([Buffer.from('backup bytes')]));
    expect(mode(target.location)).toBe(0o700);
    expect(mode(join(target.location, 'rampart-backup-1.tar'))).toBe(0o600);
  });

  it('promises 7: the bootstrap notice file is 0600', () => {
    const path = writeBootstrapNotice(
      join(scratch),
      { email: 'first@example.test', userId: 'usr_0123', password: secret('generated once, shown once') },
      Date.UTC(2026, 0, 1),
    );
    expect(mode(path)).toBe(0o600);
  });

  it('promises 7: the CLI login store is a 0600 file in a 0700 directory', () => {
    const path = saveLogin(
      { url: 'https://rampart.example.test', accessToken: 'rk_not_a_real_key' },
      { RAMPART_CONFIG_HOME: join(scratch, 'cli') },
    );
    expect(mode(path)).toBe(0o600);
    expect(mode(join(scratch, 'cli'))).toBe(0o700);
  });
});
