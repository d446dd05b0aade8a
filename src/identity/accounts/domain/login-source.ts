/**
 * The source of a sign-in attempt, as the login limits and the hashing queue count it
 * (docs/decisions/011-login-throttling.md): an IPv4 address as is, an IPv6 address by its /64
 * prefix. One IPv6 subscriber is routinely given a whole /64 (RFC 6177 recommends at least that
 * for an end site), so counting full IPv6 addresses would give one attacker 2^64 budgets. An
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) is its IPv4 address. Pure.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The key one source is counted under: `4:<address>`, `6:<first four hextets>::/64`, or `?:<text>`. */
export function loginSourceKey(ip: string): string {
  if (isIPv4(ip)) return `4:${ip}`;
  const zoneless = ip.split('%')[0] ?? ip;
  if (!isIPv6(zoneless)) return `?:${ip.slice(0, 100)}`;
  const hextets = expandIPv6(zoneless);
  if (hextets.slice(0, 5).every((part) => part === 0) && hextets[5] === 0xffff) {
    const high = hextets[6] ?? 0;
    const low = hextets[7] ?? 0;
    return `4:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `6:${hextets
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function expandIPv6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
