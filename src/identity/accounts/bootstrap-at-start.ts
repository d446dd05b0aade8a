/**
 * The bootstrap admin as every start runs it (identity/compose.ts): created when no user exists
 * (bootstrap-admin.ts), its generated password written at once to the 0600 notice file in the
 * data directory (so neither a Ctrl-C before it is printed nor a library start nobody reads loses
 * it), RAMPART_BOOTSTRAP_* set on a deployment that has users reported as ignored, and a notice
 * file left over from an admin whose password has since been changed removed. The notice file is
 * also removed the moment that admin changes the password ({@link clearingBootstrapNotice}).
 */
import type { Logger } from '../../kernel/adapters/log/pino-logger.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { readBootstrapNotice, removeBootstrapNotice, writeBootstrapNotice } from './adapters/bootstrap-notice-file.js';
import type { PasswordHasher } from './crypto/password-hasher.js';
import type { AccountStore } from './ports/account-store.js';
import type { PasswordChangeRequirements } from './ports/password-change-requirements.js';
import type { UserStore } from './ports/user-store.js';
import { BootstrapAdmin, type BootstrapNotice } from './services/bootstrap-admin.js';

export interface BootstrapAtStartOptions {
  readonly config: RampartConfig;
  readonly users: UserStore;
  readonly hasher: Pick<PasswordHasher, 'hash'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly requirements: PasswordChangeRequirements;
}

/** Runs the bootstrap admin; the notice (with the file it was written to) when this start created it. */
export async function bootstrapAdminAtStart(options: BootstrapAtStartOptions): Promise<BootstrapNotice | undefined> {
  const { config, logger } = options;
  const notice = await new BootstrapAdmin({
    users: options.users,
    hasher: options.hasher,
    clock: options.clock,
    email: config.bootstrapAdminEmail,
    password: config.bootstrapAdminPassword,
    publicUrl: config.publicUrl,
    keepGivenPassword: config.dev,
    onIgnored: (variables) =>
      logger.warn(
        { variables },
        `${variables.join(' and ')} ${variables.length === 1 ? 'is' : 'are'} set but ignored: users exist already, so no bootstrap admin is created. ` +
          'Remove them from the environment; to regain access, run `rampart admin recover` on this machine',
      ),
  }).run();
  if (notice?.generatedPassword !== undefined) {
    const file = writeBootstrapNotice(
      config.dataDir,
      { email: notice.email, userId: notice.userId, password: notice.generatedPassword },
      options.clock.now(),
    );
    return Object.freeze({ ...notice, file });
  }
  await removeStaleNotice(config.dataDir, options.requirements);
  return notice;
}

/** A notice file whose admin no longer has to change the password is stale: removed. */
async function removeStaleNotice(dataDir: string, requirements: PasswordChangeRequirements): Promise<void> {
  const onDisk = readBootstrapNotice(dataDir);
  if (onDisk !== undefined && (await requirements.requiredSince(onDisk.userId)) === undefined) removeBootstrapNotice(dataDir);
}

/**
 * `accounts` whose `setPassword` also deletes the bootstrap notice file when the account it names
 * gets a new password: the generated password written there is no longer valid.
 */
export function clearingBootstrapNotice(accounts: AccountStore, dataDir: string): AccountStore {
  return {
    list: (query) => accounts.list(query),
    rename: (id, name, now) => accounts.rename(id, name, now),
    erase: (id, now) => accounts.erase(id, now),
    async setPassword(id, passwordHash, now) {
      const set = await accounts.setPassword(id, passwordHash, now);
      if (set && readBootstrapNotice(dataDir)?.userId === id) removeBootstrapNotice(dataDir);
      return set;
    },
  };
}
