/**
 * One configured LDAP directory (`RAMPART_LDAP_DIRECTORIES`), parsed and checked once at startup:
 * bad configuration throws with what was wrong. The rules:
 * 1. a name of `[a-z0-9][a-z0-9-]{0,39}` (the `ldap:<name>` of linked identities and routes), unique;
 * 2. `ldaps://`, or `ldap://` with `start_tls: true` — plain `ldap://` only to a loopback host;
 * 3. the user filter holds `{username}` and the group filter `{dn}`: the values are
 *    filled in with RFC 4515 escaping only (ldap-escape.ts), and every filter must parse;
 * 4. the service account's password is a secret (never printed, never logged).
 * Reads only the files the configuration names (a password file, a CA bundle).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Secret } from '../../kernel/domain/secret.js';
import { isBalancedFilter } from './domain/ldap-escape.js';

/** A group (by DN) whose members get `role` in the org `org` (slug or id). */
export interface GroupRole {
  readonly group: string;
  readonly org: string;
  readonly role: string;
}

export interface LdapDirectoryConfig {
  readonly name: string;
  readonly url: string;
  readonly startTls: boolean;
  /** PEM CA bundle trusted for the directory's certificate (else the system's). */
  readonly tlsCa: string | undefined;
  readonly bindDn: string;
  readonly bindPassword: Secret<string>;
  readonly baseDn: string;
  /** With `{username}`: the filter that finds the one entry of a login name. */
  readonly userFilter: string;
  /** Attributes: the stable subject (`entryUUID`; AD `objectGUID`), the email and the display name. */
  readonly idAttribute: string;
  readonly emailAttribute: string;
  readonly nameAttribute: string;
  /** Where groups are searched, and the filter with `{dn}` that finds a user's groups; none: no group mapping. */
  readonly groupBaseDn: string | undefined;
  readonly groupFilter: string;
  readonly groupRoles: readonly GroupRole[];
  /** Matched against the user's own entry: a match is a disabled account (beside the built-in lock attributes). */
  readonly disabledFilter: string | undefined;
  readonly timeoutMs: number;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const KNOWN_KEYS = new Set([
  'name',
  'url',
  'start_tls',
  'tls_ca_file',
  'bind_dn',
  'bind_password',
  'bind_password_file',
  'base_dn',
  'user_filter',
  'id_attribute',
  'email_attribute',
  'name_attribute',
  'group_base_dn',
  'group_filter',
  'group_roles',
  'disabled_filter',
  'timeout_ms',
]);

export const DEFAULT_USER_FILTER = '(&(objectClass=inetOrgPerson)(uid={username}))';
export const DEFAULT_GROUP_FILTER = '(|(member={dn})(uniqueMember={dn}))';

/** Whether `host` (a URL's hostname) is this machine: 127.0.0.0/8, ::1 or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && (bare === '::1' || bare === '0:0:0:0:0:0:0:1');
}

type Json = Record<string, unknown>;

function text(entry: Json, key: string, where: string, fallback?: string): string {
  const value = entry[key] ?? fallback;
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${where}: "${key}" must be a non-empty string`);
  return value.trim();
}

function optionalText(entry: Json, key: string, where: string): string | undefined {
  return entry[key] === undefined ? undefined : text(entry, key, where);
}

function filter(entry: Json, key: string, where: string, fallback: string, placeholder: string): string {
  const value = text(entry, key, where, fallback);
  const count = value.split(`{${placeholder}}`).length - 1;
  if (count < 1 || !isBalancedFilter(value.replaceAll(`{${placeholder}}`, 'x'))) {
    throw new Error(`${where}: "${key}" must be one parenthesised filter with {${placeholder}} in it`);
  }
  return value;
}

function urlOf(entry: Json, where: string, startTls: boolean): string {
  const value = text(entry, 'url', where);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${where}: "url" must be an ldap:// or ldaps:// URL`);
  }
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') throw new Error(`${where}: "url" must be an ldap:// or ldaps:// URL`);
  if (url.pathname !== '/' && url.pathname !== '') throw new Error(`${where}: "url" takes no path (use base_dn)`);
  if (url.username !== '' || url.password !== '') throw new Error(`${where}: "url" must not carry credentials`);
  // Rule 2: the passwords people type cross the network only under TLS.
  if (url.protocol === 'ldap:' && !startTls && !isLoopbackHost(url.hostname)) {
    throw new Error(`${where}: a non-loopback directory needs ldaps:// or "start_tls": true`);
  }
  return `${url.protocol}//${url.host}`;
}

function password(entry: Json, where: string): Secret<string> {
  if (entry.bind_password !== undefined && entry.bind_password_file !== undefined) {
    throw new Error(`${where}: give "bind_password" or "bind_password_file", not both`);
  }
  if (typeof entry.bind_password_file === 'string') {
    try {
      return new Secret(readFileSync(entry.bind_password_file, 'utf8').replace(/\r?\n$/, ''));
    } catch {
      throw new Error(`${where}: "bind_password_file" cannot be read`);
    }
  }
  if (typeof entry.bind_password !== 'string' || entry.bind_password === '') {
    throw new Error(`${where}: "bind_password" (or "bind_password_file") is required`);
  }
  return new Secret(entry.bind_password);
}

function groupRoles(entry: Json, where: string): GroupRole[] {
  const value = entry.group_roles ?? [];
  if (!Array.isArray(value)) throw new Error(`${where}: "group_roles" must be a list`);
  return value.map((item: unknown, index) => {
    const at = `${where}.group_roles[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`${at} must be an object`);
    const mapping = item as Json;
    return { group: text(mapping, 'group', at).toLowerCase(), org: text(mapping, 'org', at), role: text(mapping, 'role', at) };
  });
}

function attribute(entry: Json, key: string, where: string, fallback: string): string {
  const value = text(entry, key, where, fallback);
  if (!ATTRIBUTE.test(value)) throw new Error(`${where}: "${key}" must be an attribute name`);
  return value;
}

function parseOne(entry: unknown, index: number): LdapDirectoryConfig {
  const where = `directory ${index}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${where} must be an object`);
  const json = entry as Json;
  const unknown = Object.keys(json).find((key) => !KNOWN_KEYS.has(key));
  if (unknown !== undefined) throw new Error(`${where}: unknown key "${unknown}"`);
  const name = text(json, 'name', where);
  if (!NAME.test(name)) throw new Error(`${where}: "name" must match [a-z0-9][a-z0-9-]{0,39}`);
  const startTls = json.start_tls === undefined ? false : json.start_tls;
  if (typeof startTls !== 'boolean') throw new Error(`${where}: "start_tls" must be true or false`);
  const caFile = optionalText(json, 'tls_ca_file', where);
  let tlsCa: string | undefined;
  if (caFile !== undefined) {
    try {
      tlsCa = readFileSync(caFile, 'utf8');
    } catch {
      throw new Error(`${where}: "tls_ca_file" cannot be read`);
    }
  }
  const timeout = json.timeout_ms ?? 5000;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 100 || timeout > 60_000) {
    throw new Error(`${where}: "timeout_ms" must be a whole number from 100 to 60000`);
  }
  const disabled = optionalText(json, 'disabled_filter', where);
  if (disabled !== undefined && !isBalancedFilter(disabled))
    throw new Error(`${where}: "disabled_filter" must be one parenthesised filter`);
  const groupBaseDn = optionalText(json, 'group_base_dn', where);
  const roles = groupRoles(json, where);
  if (roles.length > 0 && groupBaseDn === undefined) throw new Error(`${where}: "group_roles" needs "group_base_dn"`);
  return Object.freeze({
    name,
    url: urlOf(json, where, startTls),
    startTls,
    tlsCa,
    bindDn: text(json, 'bind_dn', where),
    bindPassword: password(json, where),
    baseDn: text(json, 'base_dn', where),
    userFilter: filter(json, 'user_filter', where, DEFAULT_USER_FILTER, 'username'),
    idAttribute: attribute(json, 'id_attribute', where, 'entryUUID'),
    emailAttribute: attribute(json, 'email_attribute', where, 'mail'),
    nameAttribute: attribute(json, 'name_attribute', where, 'cn'),
    groupBaseDn,
    groupFilter: filter(json, 'group_filter', where, DEFAULT_GROUP_FILTER, 'dn'),
    groupRoles: Object.freeze(roles),
    disabledFilter: disabled,
    timeoutMs: timeout,
  });
}

/** Parses `RAMPART_LDAP_DIRECTORIES` (a JSON list); throws an `Error` saying what is wrong, never echoing a value. */
export function parseLdapDirectories(raw: string): readonly LdapDirectoryConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be a JSON list of directories');
  }
  if (!Array.isArray(parsed)) throw new Error('must be a JSON list of directories');
  const directories = parsed.map((entry, index) => parseOne(entry, index));
  const names = new Set<string>();
  for (const directory of directories) {
    if (names.has(directory.name)) throw new Error(`the directory name "${directory.name}" is used twice`);
    names.add(directory.name);
  }
  return Object.freeze(directories);
}
