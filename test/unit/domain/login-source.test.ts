/**
 * The source a login is counted under (issue 13, item 8): full IPv6 addresses are free to whoever
 * holds a /64, so IPv6 counts by /64; IPv4 by address; an IPv4-mapped IPv6 address as its IPv4.
 */
import { describe, expect, it } from 'vitest';
import { loginSourceKey } from '../../../src/identity/accounts/domain/login-source.js';

describe('loginSourceKey', () => {
  it('hardening 8: every address of one IPv6 /64 is one source; another /64 is another', () => {
    const one = loginSourceKey('2001:db8:1:2::1');
    expect(one).toBe('6:2001:db8:1:2::/64');
    expect(loginSourceKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(one);
    expect(loginSourceKey('2001:DB8:1:2:a:b:c:d')).toBe(one);
    expect(loginSourceKey('2001:db8:1:3::1')).not.toBe(one);
    expect(loginSourceKey('::1')).toBe('6:0:0:0:0::/64');
    expect(loginSourceKey('fe80::1%eth0')).toBe('6:fe80:0:0:0::/64');
  });

  it('hardening 8: IPv4 counts by address, and an IPv4-mapped IPv6 address is that IPv4 address', () => {
    expect(loginSourceKey('198.51.100.7')).toBe('4:198.51.100.7');
    expect(loginSourceKey('198.51.100.8')).not.toBe(loginSourceKey('198.51.100.7'));
    expect(loginSourceKey('::ffff:198.51.100.7')).toBe('4:198.51.100.7');
    expect(loginSourceKey('::ffff:c633:6407')).toBe('4:198.51.100.7');
  });

  it('keeps anything else apart, bounded', () => {
    expect(loginSourceKey('not an address')).toBe('?:not an address');
    expect(loginSourceKey('x'.repeat(500))).toHaveLength(102);
  });
});
