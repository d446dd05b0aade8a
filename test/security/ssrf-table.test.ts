/**
 * The SSRF table. The exploit: give Rampart a webhook (or any outbound) URL that looks harmless but
 * reaches inside — loopback, cloud metadata, a private network — through an address written in
 * decimal, octal or hex, an IPv6 form that embeds or tunnels to an IPv4 address, a userinfo or
 * fragment trick, another scheme or port, or a name whose DNS answer includes one internal address
 * among public ones. test/fixtures/ssrf-table.json lists each URL with the verdict `checkUrl` must
 * give under the default policy; names resolve through the table's own resolver, and nothing is
 * ever connected to. The classifier is also checked on its own, and the allow-list opens only
 * the networks it lists.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkOutboundAllowList } from '../../src/cli/doctor.js';
import { KERNEL_VARIABLES, loadConfigFrom } from '../../src/kernel/config.js';
import { DEFAULT_OUTBOUND_POLICY, outboundPolicyOf, type Resolver } from '../../src/kernel/net/outbound-policy.js';
import { checkUrl, classifyAddress } from '../../src/kernel/net/ssrf-guard.js';

interface TableCase {
  readonly url: string;
  readonly verdict: 'allow' | 'deny' | 'invalid';
  readonly why: string;
}

const table = JSON.parse(readFileSync(new URL('../fixtures/ssrf-table.json', import.meta.url), 'utf8')) as {
  readonly resolver: Record<string, readonly string[]>;
  readonly cases: readonly TableCase[];
};

/** Answers from the table only; an unknown name does not resolve. */
const tableResolver: Resolver = {
  lookup: (hostname) => {
    const answer = table.resolver[hostname.toLowerCase()];
    return answer === undefined ? Promise.reject(new Error('ENOTFOUND')) : Promise.resolve(answer);
  },
};

describe('the SSRF guard against the table (test/fixtures/ssrf-table.json)', () => {
  it('webhooks 2: the table holds at least 80 URLs', () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(80);
  });

  for (const entry of table.cases) {
    it(`webhooks 2: ${entry.verdict} ${entry.url} (${entry.why})`, async () => {
      const verdict = await checkUrl(entry.url, DEFAULT_OUTBOUND_POLICY, tableResolver);
      expect(verdict.ok).toBe(entry.verdict === 'allow');
      if (entry.verdict === 'invalid' && !verdict.ok) expect(verdict.reason).toBe('not an absolute URL');
      if (verdict.ok) {
        expect(verdict.addresses.length).toBeGreaterThan(0);
        for (const address of verdict.addresses) expect(classifyAddress(address).allowed).toBe(true);
      }
    });
  }
});

describe('classifyAddress', () => {
  it('webhooks 2: names the range that denies an address, and allows public ones', () => {
    expect(classifyAddress('127.0.0.1')).toEqual({ allowed: false, range: 'loopback' });
    expect(classifyAddress('169.254.169.254')).toEqual({ allowed: false, range: 'link-local' });
    expect(classifyAddress('100.64.0.1')).toEqual({ allowed: false, range: 'shared' });
    expect(classifyAddress('198.18.0.1')).toEqual({ allowed: false, range: 'benchmarking' });
    expect(classifyAddress('::ffff:10.1.2.3')).toEqual({ allowed: false, range: 'IPv4-mapped private' });
    expect(classifyAddress('2002:a00:1::1')).toEqual({ allowed: false, range: '6to4 embedding' });
    expect(classifyAddress('8.8.8.8')).toEqual({ allowed: true });
    expect(classifyAddress('[2606:4700:4700::1111]')).toEqual({ allowed: true });
  });

  it('webhooks 2: refuses address text it cannot read strictly (lenient forms, zones, garbage)', () => {
    for (const text of [
      '0177.0.0.1',
      '127.1',
      '0x7f.0.0.1',
      '1.2.3.4.5',
      '::1%lo',
      'fe80::1%eth0',
      '1::2::3',
      '',
      'localhost',
      '::ffff:1.2.3',
    ]) {
      expect(classifyAddress(text)).toEqual({ allowed: false, range: 'invalid' });
    }
  });
});

describe('the allow-list and the policy', () => {
  const loopback = { allowCidrs: ['127.0.0.0/8'], ports: [80, 443] };

  it('webhooks 2: an allow-listed network is reachable, and only that network', async () => {
    expect((await checkUrl('http://127.0.0.1/', loopback, tableResolver)).ok).toBe(true);
    expect((await checkUrl('http://localhost/', loopback, tableResolver)).ok).toBe(false); // ::1 is not listed
    expect((await checkUrl('http://loopback.example.net/', loopback, tableResolver)).ok).toBe(true);
    expect((await checkUrl('http://[::ffff:127.0.0.1]/', loopback, tableResolver)).ok).toBe(true);
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/', 'http://[::1]/', 'http://192.168.1.1/']) {
      expect((await checkUrl(url, loopback, tableResolver)).ok).toBe(false);
    }
  });

  it('webhooks 2: the allow-list opens no other port, scheme, credentials or fragment', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'ftp://127.0.0.1/', 'http://u:p@127.0.0.1/', 'http://127.0.0.1/#x']) {
      expect((await checkUrl(url, loopback, tableResolver)).ok).toBe(false);
    }
  });

  it('webhooks 2: the ports and schemes of the policy decide', async () => {
    const policy = { allowCidrs: [], ports: [8443], schemes: ['https:'] as const };
    expect((await checkUrl('https://public.example.net:8443/', policy, tableResolver)).ok).toBe(true);
    expect((await checkUrl('https://public.example.net/', policy, tableResolver)).ok).toBe(false);
    expect((await checkUrl('http://public.example.net:8443/', policy, tableResolver)).ok).toBe(false);
  });

  it('webhooks 2: a refusal names the class, never the address a name resolved to', async () => {
    const verdict = await checkUrl('http://private.example.net/', DEFAULT_OUTBOUND_POLICY, tableResolver);
    expect(verdict).toEqual({ ok: false, reason: 'the host resolves to a denied address (private)' });
  });

  it('webhooks 2: resolves a name once per check', async () => {
    let lookups = 0;
    const counting: Resolver = { lookup: async () => ((lookups += 1), ['93.184.215.14', '2606:4700:4700::1111']) };
    const verdict = await checkUrl('https://dual.example.net/', DEFAULT_OUTBOUND_POLICY, counting);
    expect(verdict.ok && verdict.addresses).toEqual(['93.184.215.14', '2606:4700:4700::1111']);
    expect(lookups).toBe(1);
  });
});

describe('RAMPART_OUTBOUND_* configuration', () => {
  const load = (env: Record<string, string>) => loadConfigFrom(KERNEL_VARIABLES, { env });

  it('webhooks 2: defaults to no allow-list and ports 80 and 443, which doctor passes', () => {
    const config = load({});
    expect(outboundPolicyOf(config)).toEqual({ allowCidrs: [], ports: [80, 443] });
    expect(checkOutboundAllowList(config).status).toBe('pass');
  });

  it('webhooks 2: an allow-list is taken, and doctor warns while it is set', () => {
    const config = load({ RAMPART_OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32, 10.1.0.0/16', RAMPART_OUTBOUND_PORTS: '443,8443' });
    expect(outboundPolicyOf(config)).toEqual({ allowCidrs: ['127.0.0.1/32', '10.1.0.0/16'], ports: [443, 8443] });
    const check = checkOutboundAllowList(config);
    expect(check.status).toBe('warn');
    expect(check.reason).toContain('10.1.0.0/16');
  });

  it('webhooks 2: malformed ranges and ports stop the start, naming the variable', () => {
    for (const [name, value] of [
      ['RAMPART_OUTBOUND_ALLOW_CIDRS', '10.0.0.0/33'],
      ['RAMPART_OUTBOUND_ALLOW_CIDRS', 'fe80::1%eth0'],
      ['RAMPART_OUTBOUND_ALLOW_CIDRS', '010.0.0.1'],
      ['RAMPART_OUTBOUND_PORTS', '0'],
      ['RAMPART_OUTBOUND_PORTS', '80,http'],
      ['RAMPART_OUTBOUND_PORTS', '65536'],
    ] as const) {
      expect(() => load({ [name]: value })).toThrow(name);
    }
  });
});
