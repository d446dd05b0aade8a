/**
 * `RAMPART_COLLECT_IP` / `RAMPART_COLLECT_USER_AGENT` (issue 22 item 2): what the request context
 * keeps of an address — itself (`full`), its network (`truncated`: IPv4 /24, IPv6 /48, an
 * IPv4-mapped IPv6 address as IPv4) or nothing (`off`) — and that the variables refuse anything else.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { collectedIp } from '../../src/kernel/http/request-context.js';

describe('collected addresses', () => {
  it('promises 2: full keeps the address as it came', () => {
    expect(collectedIp('203.0.113.77', 'full')).toBe('203.0.113.77');
    expect(collectedIp('2001:db8::1', 'full')).toBe('2001:db8::1');
  });

  it('promises 2: truncated keeps IPv4 /24 and IPv6 /48', () => {
    expect(collectedIp('203.0.113.77', 'truncated')).toBe('203.0.113.0');
    expect(collectedIp('10.1.2.255', 'truncated')).toBe('10.1.2.0');
    expect(collectedIp('2001:db8:abcd:12:3456::1', 'truncated')).toBe('2001:db8:abcd::');
    expect(collectedIp('2001:db8::1', 'truncated')).toBe('2001:db8:0::');
    expect(collectedIp('::1', 'truncated')).toBe('0:0:0::');
    expect(collectedIp('fe80::1%eth0', 'truncated')).toBe('fe80:0:0::');
    expect(collectedIp('::ffff:198.51.100.9', 'truncated')).toBe('::ffff:198.51.100.0');
    expect(collectedIp('2001:db8:1:2:3:4:192.0.2.33', 'truncated')).toBe('2001:db8:1::');
  });

  it('promises 2: truncated never keeps something that is not an address; off keeps nothing', () => {
    expect(collectedIp('not-an-address', 'truncated')).toBeNull();
    expect(collectedIp('203.0.113.77', 'off')).toBeNull();
    expect(collectedIp('2001:db8::1', 'off')).toBeNull();
  });

  it('promises 2: the variables default to full and refuse other values, naming the variable', () => {
    const base = { RAMPART_DATA_DIR: '/tmp/rampart-collect-ip-unit' };
    const config = loadConfig({ env: base });
    expect([config.collectIp, config.collectUserAgent]).toEqual(['full', 'full']);
    expect(loadConfig({ env: { ...base, RAMPART_COLLECT_IP: 'truncated', RAMPART_COLLECT_USER_AGENT: 'off' } })).toMatchObject({
      collectIp: 'truncated',
      collectUserAgent: 'off',
    });
    expect(() => loadConfig({ env: { ...base, RAMPART_COLLECT_IP: 'partial' } })).toThrow(/RAMPART_COLLECT_IP/);
    expect(() => loadConfig({ env: { ...base, RAMPART_COLLECT_USER_AGENT: 'truncated' } })).toThrow(/RAMPART_COLLECT_USER_AGENT/);
    expect(() => loadConfig({ env: { ...base, RAMPART_RETENTION_SESSIONS_DAYS: '0' } })).toThrow(/RAMPART_RETENTION_SESSIONS_DAYS/);
    expect(() => loadConfig({ env: { ...base, RAMPART_RETENTION_PURGE_INTERVAL: '1m' } })).toThrow(/RAMPART_RETENTION_PURGE_INTERVAL/);
    expect(loadConfig({ env: { ...base, RAMPART_RETENTION_SESSIONS_DAYS: 'off', RAMPART_RETENTION_PURGE_INTERVAL: 'off' } })).toMatchObject(
      {
        retentionSessionsDays: undefined,
        retentionPurgeInterval: undefined,
      },
    );
  });
});
