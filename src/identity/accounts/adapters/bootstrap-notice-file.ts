/**
 * The bootstrap admin's notice on disk: `<dataDir>/bootstrap-admin.txt`, mode 0600 in the 0700
 * data directory, written the moment a password was generated — before anything can print it —
 * so a first start killed with Ctrl-C, or a library start nobody reads, does not lose the only
 * way in. It is deleted when that admin's password is changed (or, found stale, at the next
 * start); while it exists, `rampart doctor` warns that the generated password is unchanged.
 */
import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Secret } from '../../../kernel/domain/secret.js';

export const BOOTSTRAP_NOTICE_FILE = 'bootstrap-admin.txt';

export function bootstrapNoticePath(dataDir: string): string {
  return join(dataDir, BOOTSTRAP_NOTICE_FILE);
}

/** What the file names (the password is in it, but is never read back by Rampart). */
export interface NoticeOnDisk {
  readonly email: string;
  readonly userId: string;
}

/** Writes the notice (0600, replacing any older one); returns its path. */
export function writeBootstrapNotice(
  dataDir: string,
  notice: { email: string; userId: string; password: Secret<string> },
  now: number,
): string {
  const path = bootstrapNoticePath(dataDir);
  const text =
    `Rampart created the platform admin below on ${new Date(now).toISOString()}.\n` +
    'Sign in with it and change the password (you must, before anything else): this file is then deleted.\n' +
    'Lost it? `rampart admin recover` on this machine resets it.\n\n' +
    `email: ${notice.email}\n` +
    `password: ${notice.password.reveal()}\n` +
    `user: ${notice.userId}\n`;
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** The email and user id of the notice on disk, or `undefined` when there is none (or it cannot be read). */
export function readBootstrapNotice(dataDir: string): NoticeOnDisk | undefined {
  let text: string;
  try {
    text = readFileSync(bootstrapNoticePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  const email = /^email: (\S+)$/m.exec(text)?.[1];
  const userId = /^user: (\S+)$/m.exec(text)?.[1];
  return email === undefined || userId === undefined ? undefined : { email, userId };
}

/** Deletes the notice; `true` when there was one. */
export function removeBootstrapNotice(dataDir: string): boolean {
  try {
    unlinkSync(bootstrapNoticePath(dataDir));
    return true;
  } catch {
    return false;
  }
}
