/**
 * The address ranges Rampart never connects to, as data: the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890 and its updates) that are not globally reachable, plus the IPv6
 * transition forms whose embedded IPv4 address must itself be checked. Everything in IPv6 outside
 * 2000::/3 (global unicast, RFC 4291 §2.4) is refused as reserved, save the embedding prefixes
 * listed here. {@link Cidr} is also the compiled form of the operator's allow-list.
 */
import { parseIpAddress, type IpAddress } from './ip-address.js';

/** A compiled CIDR range of one family. */
export interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  readonly bits: number;
  /** IPv4: the network as a number; IPv6: its eight words. */
  readonly network: number | readonly number[];
}

/** A denied range with the name reported in a refusal. */
export interface DeniedRange {
  readonly cidr: Cidr;
  readonly range: string;
}

/** Parses `a.b.c.d/n`, `x::/n` or a bare address (a /32 or /128); throws on anything else. */
export function parseCidr(text: string): Cidr {
  const [addressText, bitsText, extra] = text.trim().split('/');
  const address = addressText === undefined ? undefined : parseIpAddress(addressText);
  const max = address?.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (address === undefined || extra !== undefined || !(bits >= 0 && bits <= max)) {
    throw new Error(`"${text}" is not an IP address or CIDR range`);
  }
  return address.family === 4
    ? { text, family: 4, bits, network: bits === 0 ? 0 : ((address.value >>> (32 - bits)) << (32 - bits)) >>> 0 }
    : { text, family: 6, bits, network: address.words };
}

/** Whether `address` lies in `cidr` (different families never match). */
export function inCidr(address: IpAddress, cidr: Cidr): boolean {
  if (address.family !== cidr.family) return false;
  if (address.family === 4) {
    if (cidr.bits === 0) return true;
    const shift = 32 - cidr.bits;
    return address.value >>> shift === (cidr.network as number) >>> shift;
  }
  const network = cidr.network as readonly number[];
  let remaining = cidr.bits;
  for (let index = 0; index < 8 && remaining > 0; index += 1) {
    const take = Math.min(16, remaining);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((address.words[index] ?? 0) & mask) !== ((network[index] ?? 0) & mask)) return false;
    remaining -= take;
  }
  return true;
}

function table(rows: readonly (readonly [string, string])[]): readonly DeniedRange[] {
  return Object.freeze(rows.map(([cidr, range]) => Object.freeze({ cidr: parseCidr(cidr), range })));
}

/** IPv4 ranges that are not globally reachable (IANA IPv4 Special-Purpose Address Registry). */
export const DENIED_IPV4: readonly DeniedRange[] = table([
  ['0.0.0.0/8', 'unspecified'], // RFC 791 "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0/8', 'private'], // RFC 1918
  ['100.64.0.0/10', 'shared'], // RFC 6598 carrier-grade NAT
  ['127.0.0.0/8', 'loopback'], // RFC 1122
  ['169.254.0.0/16', 'link-local'], // RFC 3927; cloud metadata services live here
  ['172.16.0.0/12', 'private'], // RFC 1918
  ['192.0.0.0/24', 'reserved'], // RFC 6890 IETF protocol assignments
  ['192.0.2.0/24', 'documentation'], // RFC 5737 TEST-NET-1
  ['192.88.99.0/24', 'reserved'], // RFC 7526 deprecated 6to4 relay anycast
  ['192.168.0.0/16', 'private'], // RFC 1918
  ['198.18.0.0/15', 'benchmarking'], // RFC 2544
  ['198.51.100.0/24', 'documentation'], // RFC 5737 TEST-NET-2
  ['203.0.113.0/24', 'documentation'], // RFC 5737 TEST-NET-3
  ['224.0.0.0/4', 'multicast'], // RFC 5771
  ['240.0.0.0/4', 'reserved'], // RFC 1112 §4 (with 255.255.255.255 limited broadcast)
]);

/** IPv6 ranges refused outright, checked before the global-unicast rule. */
export const DENIED_IPV6: readonly DeniedRange[] = table([
  ['::/128', 'unspecified'], // RFC 4291 §2.5.2
  ['::1/128', 'loopback'], // RFC 4291 §2.5.3
  ['64:ff9b:1::/48', 'local-use NAT64'], // RFC 8215: a site's own translator, never public
  ['100::/64', 'reserved'], // RFC 6666 discard-only
  ['2001:2::/48', 'benchmarking'], // RFC 5180
  ['2001:10::/28', 'reserved'], // RFC 4843 ORCHID (deprecated)
  ['2001:20::/28', 'reserved'], // RFC 7343 ORCHIDv2
  ['2001:db8::/32', 'documentation'], // RFC 3849
  ['3fff::/20', 'documentation'], // RFC 9637
  ['5f00::/16', 'reserved'], // RFC 9602 SRv6 SIDs
  ['fc00::/7', 'private'], // RFC 4193 unique local
  ['fe80::/10', 'link-local'], // RFC 4291 §2.5.6
  ['fec0::/10', 'link-local'], // RFC 3879 deprecated site-local
  ['ff00::/8', 'multicast'], // RFC 4291 §2.7
]);

/** IPv6 prefixes that embed an IPv4 address; the embedded address decides. */
export const EMBEDDING_IPV6 = Object.freeze({
  mapped: parseCidr('::ffff:0:0/96'), // RFC 4291 §2.5.5.2
  translated: parseCidr('::ffff:0:0:0/96'), // RFC 2765 §2.1 SIIT
  compatible: parseCidr('::/96'), // RFC 4291 §2.5.5.1 (deprecated)
  nat64: parseCidr('64:ff9b::/96'), // RFC 6052 well-known prefix
  sixToFour: parseCidr('2002::/16'), // RFC 3056: the IPv4 address in bits 16–47
  teredo: parseCidr('2001::/32'), // RFC 4380: server in bits 32–63, client (inverted) in 96–127
});

/** Global unicast (RFC 4291 §2.4): IPv6 outside it is reserved or special. */
export const GLOBAL_UNICAST_IPV6 = parseCidr('2000::/3');
