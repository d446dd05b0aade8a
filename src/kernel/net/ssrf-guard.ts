/**
 * The SSRF guard: decides whether Rampart may send a request to a URL. A URL passes only when its
 * scheme and port are allowed, it carries no credentials or fragment, and EVERY address its host
 * stands for is globally reachable (or inside the operator's allow-list). Names are resolved once,
 * here; the caller must connect to one of the returned `addresses` and nowhere else
 * (`outbound-http.ts` pins its socket lookup to them), so a second, different DNS answer (DNS
 * rebinding) can never be used. Address text is parsed strictly (`ip-address.ts`); the ranges are
 * data (`ip-ranges.ts`). docs/decisions/017-ssrf-guard.md explains the choices.
 */
import { lowIpv4, parseIpAddress, type IpAddress, type Ipv4, type Ipv6 } from './ip-address.js';
import { DENIED_IPV4, DENIED_IPV6, EMBEDDING_IPV6, GLOBAL_UNICAST_IPV6, inCidr, parseCidr, type Cidr } from './ip-ranges.js';
import type { OutboundPolicy, Resolver } from './outbound-policy.js';

/** The guard's answer: where the request may go, or why it may not. */
export type UrlVerdict = { ok: true; url: URL; addresses: readonly string[] } | { ok: false; reason: string };

/** An address's class: allowed (globally reachable), or the named range that denies it. */
export interface AddressClass {
  allowed: boolean;
  range?: string;
}

const ALLOWED: AddressClass = Object.freeze({ allowed: true });

function denied(range: string): AddressClass {
  return { allowed: false, range };
}

function classifyIpv4(address: Ipv4): AddressClass {
  for (const row of DENIED_IPV4) if (inCidr(address, row.cidr)) return denied(row.range);
  return ALLOWED;
}

/** The IPv4-mapped form is the IPv4 address itself as a socket sees it: that address decides. */
function mapped(ipv4: Ipv4): AddressClass {
  const inner = classifyIpv4(ipv4);
  return inner.allowed ? ALLOWED : denied(`IPv4-mapped ${inner.range ?? 'denied'}`);
}

/**
 * Transition forms that tunnel or translate to an IPv4 address (IPv4-compatible, SIIT, NAT64,
 * 6to4, Teredo) are refused whatever they embed, as smokescreen does: a public-looking embedded
 * address says nothing about where the relay delivers, and none is needed to reach a webhook
 * receiver. An IPv6-only host behind DNS64 allow-lists 64:ff9b::/96 explicitly.
 */
const TUNNELS: readonly (readonly [Cidr, string])[] = [
  [EMBEDDING_IPV6.translated, 'IPv4-translated'],
  [EMBEDDING_IPV6.compatible, 'IPv4-compatible'],
  [EMBEDDING_IPV6.nat64, 'NAT64'],
  [EMBEDDING_IPV6.sixToFour, '6to4'],
  [EMBEDDING_IPV6.teredo, 'Teredo'],
];

function classifyIpv6(address: Ipv6): AddressClass {
  for (const row of DENIED_IPV6) if (inCidr(address, row.cidr)) return denied(row.range);
  if (inCidr(address, EMBEDDING_IPV6.mapped)) return mapped(lowIpv4(address.words));
  for (const [cidr, form] of TUNNELS) if (inCidr(address, cidr)) return denied(`${form} embedding`);
  if (!inCidr(address, GLOBAL_UNICAST_IPV6)) return denied('reserved');
  return ALLOWED;
}

/**
 * Whether Rampart may connect to the IP address `ip` (text, IPv6 optionally bracketed), ignoring
 * any allow-list. Pure. Text that is not a canonical address is denied as `invalid`.
 */
export function classifyAddress(ip: string): AddressClass {
  const address = parseIpAddress(ip);
  if (address === undefined) return denied('invalid');
  return address.family === 4 ? classifyIpv4(address) : classifyIpv6(address);
}

/** The compiled allow-list of each policy object, so a delivery does not re-parse it. */
const compiledAllowLists = new WeakMap<OutboundPolicy, readonly Cidr[]>();

function allowList(policy: OutboundPolicy): readonly Cidr[] {
  let compiled = compiledAllowLists.get(policy);
  if (compiled === undefined) {
    compiled = Object.freeze(policy.allowCidrs.map(parseCidr));
    compiledAllowLists.set(policy, compiled);
  }
  return compiled;
}

/** The address an allow-list entry is compared with: an IPv4-mapped IPv6 address as its IPv4. */
function comparable(address: IpAddress): IpAddress {
  return address.family === 6 && inCidr(address, EMBEDDING_IPV6.mapped) ? lowIpv4(address.words) : address;
}

/** `undefined` when `ip` may be connected to under `policy`, else the reason it may not. */
function refusal(ip: string, policy: OutboundPolicy): string | undefined {
  const address = parseIpAddress(ip);
  if (address === undefined) return 'an address that is not canonical IP text';
  const verdict = address.family === 4 ? classifyIpv4(address) : classifyIpv6(address);
  if (verdict.allowed) return undefined;
  const seen = comparable(address);
  if (allowList(policy).some((cidr) => inCidr(seen, cidr))) return undefined;
  return `a denied address (${verdict.range ?? 'denied'})`;
}

/** The refusal reason of a host name that does not resolve (`sendOutbound` reports `connect_error`). */
export const UNRESOLVABLE = 'the host name does not resolve';

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}

/** The URL-shape rules: scheme, credentials, fragment, port. `undefined` when all pass. */
function shapeRefusal(url: URL, policy: OutboundPolicy): string | undefined {
  const schemes: readonly string[] = policy.schemes ?? ['https:', 'http:'];
  if (!schemes.includes(url.protocol)) return `the scheme ${url.protocol} is not allowed`;
  if (url.username !== '' || url.password !== '') return 'a URL with credentials (userinfo) is not allowed';
  if (url.hash !== '') return 'a URL with a fragment is not allowed';
  const port = url.port === '' ? defaultPort(url.protocol) : Number(url.port);
  if (!policy.ports.includes(port)) return `the port ${port} is not allowed`;
  if (url.hostname === '') return 'the URL has no host';
  return undefined;
}

/** The host's addresses: the literal itself, or every address the resolver gives for the name. */
async function hostAddresses(hostname: string, resolver: Resolver): Promise<readonly string[] | string> {
  if (hostname.startsWith('[')) return [hostname.slice(1, -1)];
  // The WHATWG parser has already turned decimal, octal, hex and short IPv4 forms into dotted quads.
  if (parseIpAddress(hostname) !== undefined) return [hostname];
  try {
    const addresses = await resolver.lookup(hostname.endsWith('.') ? hostname.slice(0, -1) : hostname);
    return addresses.length === 0 ? UNRESOLVABLE : addresses;
  } catch {
    return UNRESOLVABLE;
  }
}

/**
 * Checks `url` against `policy`, resolving its host once through `resolver`. On success the verdict
 * carries the parsed URL and every address checked; connect to one of those only.
 */
export async function checkUrl(url: string, policy: OutboundPolicy, resolver: Resolver): Promise<UrlVerdict> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  const shape = shapeRefusal(parsed, policy);
  if (shape !== undefined) return { ok: false, reason: shape };
  const addresses = await hostAddresses(parsed.hostname, resolver);
  if (typeof addresses === 'string') return { ok: false, reason: addresses };
  for (const address of addresses) {
    const why = refusal(address, policy);
    if (why !== undefined) return { ok: false, reason: `the host resolves to ${why}` };
  }
  return { ok: true, url: parsed, addresses };
}
