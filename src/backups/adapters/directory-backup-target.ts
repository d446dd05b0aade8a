/**
 * {@link BackupTarget} on a local directory (0700; files 0600). A write goes to `.<name>.<random>.tmp`,
 * is fsynced, renamed to its name, and the directory is fsynced, so that the name appears only
 * for a complete, durable file (POSIX rename(2) is atomic within a file system).
 */
import { chmod, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { randomToken } from '../../kernel/crypto/random.js';
import type { BackupTarget } from '../ports/backup-target.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

function checkName(name: string): void {
  if (!NAME.test(name) || basename(name) !== name || name.endsWith('.tmp')) throw new RangeError('not a backup object name');
}

export class DirectoryBackupTarget implements BackupTarget {
  readonly location: string;

  constructor(dir: string) {
    this.location = dir;
  }

  async #prepare(): Promise<void> {
    await mkdir(this.location, { recursive: true, mode: 0o700 });
    await chmod(this.location, 0o700);
  }

  async write(name: string, source: Readable): Promise<number> {
    checkName(name);
    await this.#prepare();
    const temporary = join(this.location, `.${name}.${randomToken(6)}.tmp`);
    const file = createWriteStream(temporary, { mode: 0o600, flags: 'wx' });
    try {
      await pipeline(source, file);
      const handle = await open(temporary, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const { size } = await stat(temporary);
      await rename(temporary, join(this.location, name));
      await this.#syncDirectory();
      return size;
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async #syncDirectory(): Promise<void> {
    const handle = await open(this.location, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  read(name: string): Readable {
    checkName(name);
    return createReadStream(join(this.location, name));
  }

  async list(): Promise<readonly string[]> {
    try {
      return (await readdir(this.location)).filter((name) => NAME.test(name) && !name.endsWith('.tmp')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async size(name: string): Promise<number | undefined> {
    checkName(name);
    try {
      return (await stat(join(this.location, name))).size;
    } catch {
      return undefined;
    }
  }

  async remove(name: string): Promise<void> {
    checkName(name);
    await rm(join(this.location, name), { force: true });
  }
}
