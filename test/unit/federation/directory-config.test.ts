/**
 * Issue 17 item 3: what reaches an LDAP filter (RFC 4515 escaping only) and what configuration
 * a directory is refused with — plain LDAP to a host that is not this machine above all.
 */
import { describe, expect, it } from 'vitest';
import { escapeFilterValue, fillFilter, isBalancedFilter } from '../../../src/federation/directories/domain/ldap-escape.js';
import { isLoopbackHost, parseLdapDirectories } from '../../../src/federation/directories/ldap-directory-config.js';
import { loadConfig } from '../../../src/config.js';

const BASE = { name: 'corp', bind_dn: 'cn=svc,dc=x', bind_password: 'svc-password-1', base_dn: 'dc=x' };
const parse = (extra: Record<string, unknown>): ReturnType<typeof parseLdapDirectories> =>
  parseLdapDirectories(JSON.stringify([{ ...BASE, url: 'ldaps://ldap.example.com', ...extra }]));

describe('LDAP filter escaping (RFC 4515 §3)', () => {
  it('federation 3: every filter metacharacter becomes its \\XX escape', () => {
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue(')(uid=*')).toBe('\\29\\28uid=\\2a');
    expect(escapeFilterValue('admin)(|(uid=*')).toBe('admin\\29\\28|\\28uid=\\2a');
    expect(escapeFilterValue('back\\slash')).toBe('back\\5cslash');
    expect(escapeFilterValue('nul\u0000byte')).toBe('nul\\00byte');
    expect(escapeFilterValue('Zoë, O’Brien+x')).toBe('Zoë, O’Brien+x');
  });

  it('federation 3: a filled template stays one filter whatever the username', () => {
    for (const username of ['*', ')(uid=*', 'admin)(|(uid=*', '\\', '(((', ')))']) {
      const filter = fillFilter('(&(objectClass=person)(uid={username}))', { username });
      expect(isBalancedFilter(filter), filter).toBe(true);
      expect(filter.startsWith('(&(objectClass=person)(uid=')).toBe(true);
    }
    expect(() => fillFilter('(uid={user})', { username: 'a' })).toThrow(/no value/);
  });
});

describe('LDAP directory configuration', () => {
  it('federation 3: a non-loopback directory without TLS is refused at startup', () => {
    expect(() => parse({ url: 'ldap://ldap.example.com' })).toThrow(/needs ldaps:\/\/ or "start_tls"/);
    expect(() => parse({ url: 'ldap://10.0.0.5:389' })).toThrow(/needs ldaps/);
    expect(parse({ url: 'ldap://ldap.example.com', start_tls: true })[0]?.startTls).toBe(true);
    expect(parse({ url: 'ldap://127.0.0.1:3890' })[0]?.url).toBe('ldap://127.0.0.1:3890');
    expect(parse({ url: 'ldaps://ldap.example.com:636' })[0]?.url).toBe('ldaps://ldap.example.com:636');
    expect(['127.0.0.1', '127.8.9.1', 'localhost', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', 'ldap.example.com', '127.example.com', '[::2]'].some(isLoopbackHost)).toBe(false);
  });

  it('federation 3: the variable names the problem and never echoes the bind password', () => {
    const value = JSON.stringify([{ ...BASE, url: 'ldap://ldap.example.com' }]);
    let message = '';
    try {
      loadConfig({ env: { RAMPART_LDAP_DIRECTORIES: value } });
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toMatch(/^RAMPART_LDAP_DIRECTORIES: directory 0: a non-loopback directory needs/);
    expect(message).not.toContain('svc-password-1');
  });

  it('federation 3: filters, names and keys are checked', () => {
    expect(() => parse({ user_filter: 'uid={username}' })).toThrow(/parenthesised/);
    expect(() => parse({ user_filter: '(uid=alice)' })).toThrow(/\{username\}/);
    expect(() => parse({ name: 'Corp!' })).toThrow(/name/);
    expect(() => parse({ bind_pw: 'x' })).toThrow(/unknown key "bind_pw"/);
    expect(() => parse({ url: 'ldaps://u:p@ldap.example.com' })).toThrow(/credentials/);
    expect(() => parse({ group_roles: [{ group: 'cn=g', org: 'acme', role: 'admin' }] })).toThrow(/group_base_dn/);
    expect(() =>
      parseLdapDirectories(
        JSON.stringify([
          { ...BASE, url: 'ldaps://a' },
          { ...BASE, url: 'ldaps://b' },
        ]),
      ),
    ).toThrow(/twice/);
    expect(() => parseLdapDirectories(JSON.stringify([{ ...BASE, url: 'ldaps://a', bind_password: '' }]))).toThrow(/bind_password/);
  });

  it('federation 4: PAM needs an email domain and a plain service name', () => {
    expect(() => loadConfig({ env: { RAMPART_PAM_SERVICE: 'rampart' } })).toThrow(/RAMPART_PAM_EMAIL_DOMAIN: is required/);
    expect(() => loadConfig({ env: { RAMPART_PAM_SERVICE: '../shadow', RAMPART_PAM_EMAIL_DOMAIN: 'example.com' } })).toThrow(
      /RAMPART_PAM_SERVICE/,
    );
    const config = loadConfig({
      env: { RAMPART_PUBLIC_URL: 'https://rampart.example.test', RAMPART_PAM_SERVICE: 'rampart', RAMPART_PAM_EMAIL_DOMAIN: 'Example.com' },
    });
    expect(config.pamEmailDomain).toBe('example.com');
    expect(config.pamHelper).toBe('/usr/bin/pamtester');
  });
});
