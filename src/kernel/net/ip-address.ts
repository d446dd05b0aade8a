/**
 * Strict parsing of IP address text into numbers, for the SSRF guard. Only canonical forms are
 * accepted: IPv4 as four dotted decimals without leading zeros (what the WHATWG URL parser and
 * `getaddrinfo` hand back), IPv6 as RFC 4291 §2.2 text, optionally ending in dotted IPv4, without a
 * zone index. Anything else is `undefined` — the guard refuses what it cannot read, because a
 * lenient parser (`inet_aton` reads `010.0.0.1` as 8.0.0.1) could see another address than the
 * socket layer connects to.
 */

/** An IPv4 address as an unsigned 32-bit number. */
export interface Ipv4 {
  readonly family: 4;
  readonly value: number;
}

/** An IPv6 address as its eight 16-bit words, most significant first. */
export interface Ipv6 {
  readonly family: 6;
  readonly words: readonly number[];
}

export type IpAddress = Ipv4 | Ipv6;

const DECIMAL_OCTET = /^(0|[1-9]\d{0,2})$/;
const HEX_WORD = /^[0-9a-fA-F]{1,4}$/;

/** Dotted-quad IPv4, each part a decimal 0–255 without leading zeros; else `undefined`. */
export function parseIpv4(text: string): Ipv4 | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return { family: 4, value };
}

function parseWords(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const words: number[] = [];
  for (let index = 0; index < groups.length; index += 1) {
    const group = groups[index] ?? '';
    if (allowTrailingIpv4 && index === groups.length - 1 && group.includes('.')) {
      const ipv4 = parseIpv4(group);
      if (ipv4 === undefined) return undefined;
      words.push(Math.floor(ipv4.value / 65536), ipv4.value % 65536);
    } else if (HEX_WORD.test(group)) {
      words.push(parseInt(group, 16));
    } else {
      return undefined;
    }
  }
  return words;
}

/** RFC 4291 §2.2 text (with `::` and a trailing dotted IPv4 allowed, no zone); else `undefined`. */
export function parseIpv6(text: string): Ipv6 | undefined {
  if (text.length > 45 || text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  if (halves.length === 1) {
    const words = parseWords(text, true);
    return words?.length === 8 ? { family: 6, words } : undefined;
  }
  const head = parseWords(halves[0] ?? '', false);
  const tail = parseWords(halves[1] ?? '', true);
  if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
  const zeros = new Array<number>(8 - head.length - tail.length).fill(0);
  return { family: 6, words: [...head, ...zeros, ...tail] };
}

/** Either family; IPv6 may come bracketed as in a URL host (`[::1]`). */
export function parseIpAddress(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return bare.includes(':') ? parseIpv6(bare) : parseIpv4(bare);
}

/** The IPv4 address in the last 32 bits of `words` (mapped, compatible, NAT64 forms). */
export function lowIpv4(words: readonly number[]): Ipv4 {
  return { family: 4, value: (words[6] ?? 0) * 65536 + (words[7] ?? 0) };
}

/** Dotted-quad text of an IPv4 value. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
