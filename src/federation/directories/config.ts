/**
 * The directories' variables (README order): the LDAP directories, then PAM. Their keys join the
 * kernel's `RampartConfig` here (declaration merging). Every directory is checked at startup
 * (ldap-directory-config.ts); PAM is off unless a service name is set.
 */
import type { ConfigVariable } from '../../kernel/config.js';
import { parseLdapDirectories, type LdapDirectoryConfig } from './ldap-directory-config.js';

declare module '../../kernel/config.js' {
  interface RampartConfig {
    /** The LDAP directories people sign in with (`POST /api/v1/auth/ldap/{directory}/login`). */
    readonly ldapDirectories: readonly LdapDirectoryConfig[];
    /** The PAM service (`/etc/pam.d/<name>`) of `POST /api/v1/auth/pam/login`; unset: PAM sign-in is off. */
    readonly pamService: string | undefined;
    /** The domain of the email a PAM user's account gets (`<user>@<domain>`). */
    readonly pamEmailDomain: string | undefined;
    /** The program that asks PAM (Debian's pamtester), the password on its standard input. */
    readonly pamHelper: string;
  }
}

const PAM_SERVICE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const DIRECTORY_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'ldapDirectories',
    env: 'RAMPART_LDAP_DIRECTORIES',
    defaultText: 'unset',
    description:
      "LDAP directories to sign in with, as a JSON list of `{name, url, start_tls?, tls_ca_file?, bind_dn, bind_password | bind_password_file, base_dn, user_filter?, id_attribute?, email_attribute?, name_attribute?, group_base_dn?, group_filter?, group_roles?: [{group, org, role}], disabled_filter?, timeout_ms?}`. `ldaps://` or `start_tls` unless the host is loopback; filters take `{username}` / `{dn}`, filled with RFC 4515 escaping. See docs/decisions/026-pam.md and the README's directory section.",
    secret: true,
    parse: (raw) => (raw === undefined || raw.trim() === '' ? Object.freeze([]) : parseLdapDirectories(raw)),
  },
  {
    key: 'pamService',
    env: 'RAMPART_PAM_SERVICE',
    defaultText: 'unset',
    description:
      "The PAM service name (a file in /etc/pam.d/) that `POST /api/v1/auth/pam/login` authenticates against; unset turns PAM sign-in off. With pam_unix the server must be able to check other users' passwords: see docs/decisions/026-pam.md.",
    parse: (raw) => {
      const value = raw?.trim() ?? '';
      if (value === '') return undefined;
      if (!PAM_SERVICE.test(value)) throw new Error('must be a PAM service name such as rampart');
      return value;
    },
  },
  {
    key: 'pamEmailDomain',
    env: 'RAMPART_PAM_EMAIL_DOMAIN',
    defaultText: 'unset',
    description: 'The email domain of accounts provisioned for PAM users (`<user>@<domain>`); required with RAMPART_PAM_SERVICE.',
    parse: (raw, partial) => {
      const value = raw?.trim().toLowerCase() ?? '';
      if (value === '') {
        if (partial.pamService !== undefined) throw new Error('is required with RAMPART_PAM_SERVICE');
        return undefined;
      }
      if (!DOMAIN.test(value)) throw new Error('must be a domain name such as example.com');
      return value;
    },
  },
  {
    key: 'pamHelper',
    env: 'RAMPART_PAM_HELPER',
    defaultText: '/usr/bin/pamtester',
    description: "The program PAM sign-in runs (Debian's `pamtester`): the password goes on its standard input, never on its command line.",
    parse: (raw) => {
      const value = raw?.trim() ?? '';
      if (value === '') return '/usr/bin/pamtester';
      if (!value.startsWith('/')) throw new Error('must be an absolute path');
      return value;
    },
  },
];
