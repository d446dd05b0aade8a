/**
 * {@link DirectoryCheck} against one LDAP directory, with `ldapts`. The sequence of one check:
 * 1. connect (`ldaps://`, or `ldap://` then StartTLS when configured; plain only to loopback, which
 *    the configuration already enforced), TLS 1.2 at least, the configured CA if any;
 * 2. bind as the service account and search `base_dn` for the user filter, its `{username}`
 *    filled with RFC 4515 escaping (domain/ldap-escape.ts) — never a DN built from input: the DN
 *    bound as is the one the search returned; no entry → `unknown`, two → `ambiguous`;
 * 3. a disabled entry (`pwdAccountLockedTime` present, `nsAccountLock: true`, AD
 *    `userAccountControl` bit 2, or the entry matching `disabled_filter`) → `disabled`, before any
 *    password is tried;
 * 4. bind as the entry's DN with the password (never an empty one: that is an anonymous bind,
 *    which succeeds) — invalidCredentials → `wrong_password`;
 * 5. bind as the service account again and search the user's groups (`{dn}` escaped likewise).
 * Any other failure (unreachable, TLS, a refused service bind, a timeout) rejects with
 * `service_unavailable`; the error's text is logged, never a password.
 */
import { Client, InvalidCredentialsError, SizeLimitExceededError, type Entry } from 'ldapts';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { Logger } from '../../../kernel/adapters/log/pino-logger.js';
import { fillFilter } from '../domain/ldap-escape.js';
import type { LdapDirectoryConfig } from '../ldap-directory-config.js';
import type { DirectoryCheck, DirectoryVerdict } from '../ports/directory-verdict.js';

const LOCK_ATTRIBUTES = ['pwdAccountLockedTime', 'nsAccountLock', 'userAccountControl'] as const;
/** AD `userAccountControl` ACCOUNTDISABLE. */
const UAC_ACCOUNT_DISABLE = 0x2;
/** AD's binary ids: returned as buffers, kept as base64url. */
const BINARY_IDS = new Set(['objectguid', 'objectsid']);

/** The first value of `attribute` in `entry`, as text (a binary value as base64url). */
function first(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const value: unknown = key === undefined ? undefined : entry[key];
  const one: unknown = Array.isArray(value) ? value[0] : value;
  if (Buffer.isBuffer(one)) return one.length === 0 ? undefined : one.toString('base64url');
  return typeof one === 'string' && one !== '' ? one : undefined;
}

/** Rule 3's attributes: whether the entry says the account is locked or disabled. */
export function lockedByAttributes(entry: Entry): boolean {
  if (first(entry, 'pwdAccountLockedTime') !== undefined) return true;
  if (first(entry, 'nsAccountLock')?.toLowerCase() === 'true') return true;
  const uac = first(entry, 'userAccountControl');
  return uac !== undefined && /^\d+$/.test(uac) && (Number(uac) & UAC_ACCOUNT_DISABLE) !== 0;
}

export class LdapDirectoryClient implements DirectoryCheck {
  readonly #d: LdapDirectoryConfig;
  readonly #logger: Logger;

  constructor(directory: LdapDirectoryConfig, logger: Logger) {
    this.#d = directory;
    this.#logger = logger;
  }

  get directory(): LdapDirectoryConfig {
    return this.#d;
  }

  async check(username: string, password: Secret<string>): Promise<DirectoryVerdict> {
    if (password.reveal() === '') return { kind: 'wrong_password', subject: undefined };
    const client = await this.connect();
    try {
      const found = await this.#findUser(client, username);
      if (found.kind !== 'entry') return found;
      const { entry } = found;
      const subject = first(entry, this.#d.idAttribute);
      if (lockedByAttributes(entry) || (await this.#matchesDisabledFilter(client, entry.dn))) return { kind: 'disabled', subject };
      try {
        await client.bind(entry.dn, password.reveal());
      } catch (error) {
        if (error instanceof InvalidCredentialsError) return { kind: 'wrong_password', subject };
        throw error;
      }
      // The entry must carry a stable id: an account is never matched by a name alone.
      if (subject === undefined) throw new Error(`the entry has no ${this.#d.idAttribute}`);
      await this.#serviceBind(client);
      return {
        kind: 'proven',
        person: {
          subject,
          email: first(entry, this.#d.emailAttribute)?.toLowerCase() ?? null,
          name: first(entry, this.#d.nameAttribute) ?? null,
          groups: await this.#groupsOf(client, entry.dn),
        },
      };
    } catch (error) {
      throw this.#unavailable(error);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** A connection (TLS as configured) bound as the service account: also the doctor's probe. */
  async connect(): Promise<Client> {
    const tlsOptions = { minVersion: 'TLSv1.2' as const, ...(this.#d.tlsCa === undefined ? {} : { ca: this.#d.tlsCa }) };
    const client = new Client({
      url: this.#d.url,
      timeout: this.#d.timeoutMs,
      connectTimeout: this.#d.timeoutMs,
      // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps://.
      ...(this.#d.url.startsWith('ldaps:') ? { tlsOptions } : {}),
      strictDN: true,
    });
    try {
      if (this.#d.startTls) await client.startTLS(tlsOptions);
      await this.#serviceBind(client);
      return client;
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw this.#unavailable(error);
    }
  }

  async #serviceBind(client: Client): Promise<void> {
    await client.bind(this.#d.bindDn, this.#d.bindPassword.reveal());
  }

  async #findUser(client: Client, username: string): Promise<{ kind: 'entry'; entry: Entry } | { kind: 'unknown' | 'ambiguous' }> {
    const attributes = [this.#d.idAttribute, this.#d.emailAttribute, this.#d.nameAttribute, ...LOCK_ATTRIBUTES];
    try {
      const { searchEntries } = await client.search(this.#d.baseDn, {
        scope: 'sub',
        filter: fillFilter(this.#d.userFilter, { username }),
        attributes,
        explicitBufferAttributes: BINARY_IDS.has(this.#d.idAttribute.toLowerCase()) ? [this.#d.idAttribute] : [],
        sizeLimit: 2,
      });
      const [entry, second] = searchEntries;
      if (entry === undefined) return { kind: 'unknown' };
      return second === undefined ? { kind: 'entry', entry } : { kind: 'ambiguous' };
    } catch (error) {
      if (error instanceof SizeLimitExceededError) return { kind: 'ambiguous' };
      throw error;
    }
  }

  async #matchesDisabledFilter(client: Client, dn: string): Promise<boolean> {
    if (this.#d.disabledFilter === undefined) return false;
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: this.#d.disabledFilter, attributes: ['1.1'] });
    return searchEntries.length > 0;
  }

  async #groupsOf(client: Client, dn: string): Promise<readonly string[]> {
    if (this.#d.groupBaseDn === undefined) return [];
    const { searchEntries } = await client.search(this.#d.groupBaseDn, {
      scope: 'sub',
      filter: fillFilter(this.#d.groupFilter, { dn }),
      attributes: ['1.1'],
    });
    return searchEntries.map((group) => group.dn.toLowerCase());
  }

  #unavailable(error: unknown): DomainError {
    if (error instanceof DomainError) return error;
    // The error's own text (a host, a result code); ldapts never puts a bind password in it.
    this.#logger.warn({ directory: this.#d.name, err: error instanceof Error ? error.message : String(error) }, 'LDAP directory failed');
    return new DomainError('service_unavailable', 'The directory cannot be reached; try again shortly');
  }
}
