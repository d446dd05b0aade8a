/**
 * The audit context of a request (IP, user agent, request id) and its calling user.
 *
 * Data minimisation happens here, where the context is captured (issue 22 item 2, GDPR Art.
 * 5(1)(c)): under `RAMPART_COLLECT_IP=truncated` the context's `ip` is the network (IPv4 /24,
 * IPv6 /48), under `off` it is null; under `RAMPART_COLLECT_USER_AGENT=off` the user agent is left
 * out. Every store that takes the context — sessions, security events, audit entries, devices —
 * therefore receives only the minimised value. The real address stays in memory as `peer`, for
 * what must tell callers apart (login throttling); rate limiting and proxy trust read Fastify's
 * `request.ip`, never the context. The policy is decorated on the server by the compliance
 * capability ({@link installCollection}); without it everything is collected.
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { RequestContext, UserActor } from '../domain/request-context.js';

/** `RAMPART_COLLECT_IP`: the address as it came, its network only, or nothing. */
export type CollectIp = 'full' | 'truncated' | 'off';
/** `RAMPART_COLLECT_USER_AGENT`: the header as it came, or nothing. */
export type CollectUserAgent = 'full' | 'off';

export interface CollectionPolicy {
  readonly ip: CollectIp;
  readonly userAgent: CollectUserAgent;
}

const FULL: CollectionPolicy = Object.freeze({ ip: 'full', userAgent: 'full' });

declare module 'fastify' {
  interface FastifyInstance {
    /** What the request context keeps of the caller's address and user agent (installed by the compliance capability). */
    collection: CollectionPolicy;
  }
}

/** Decorates `app` (Rampart's encapsulated context) with what request contexts collect. */
export function installCollection(app: FastifyInstance, policy: CollectionPolicy): void {
  if (!app.hasDecorator('collection')) app.decorate('collection', Object.freeze({ ...policy }));
}

/** IPv4 /24: the last octet zeroed. */
function truncateIpv4(ip: string): string {
  const octets = ip.split('.');
  return `${octets.slice(0, 3).join('.')}.0`;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded; an embedded IPv4 tail as two groups). */
function ipv6Groups(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** IPv6 /48: the first three groups, the rest zero (`2001:db8:1::`). An IPv4-mapped address is truncated as IPv4. */
function truncateIpv6(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return `::ffff:${truncateIpv4(mapped[1])}`;
  const groups = ipv6Groups(ip.split('%')[0] ?? ip);
  return `${groups
    .slice(0, 3)
    .map((group) => group.toString(16))
    .join(':')}::`;
}

/** What `mode` keeps of `ip`: itself, its network (IPv4 /24, IPv6 /48), or null. Anything not an address is kept only in `full`. */
export function collectedIp(ip: string, mode: CollectIp): string | null {
  if (mode === 'full') return ip;
  if (mode === 'off') return null;
  const version = isIP(ip.split('%')[0] ?? '');
  if (version === 4) return truncateIpv4(ip);
  if (version === 6) return truncateIpv6(ip);
  return null;
}

/** The caller's address as the server's collection policy keeps it (what the chain's own audit entries store). */
export function collectedAddress(request: FastifyRequest): string | null {
  const policy = (request.server.collection as CollectionPolicy | undefined) ?? FULL;
  return collectedIp(request.ip, policy.ip);
}

/** The request context, minimised as the server's collection policy says. */
export function requestContext(request: FastifyRequest): RequestContext {
  const policy = (request.server.collection as CollectionPolicy | undefined) ?? FULL;
  const agent = request.headers['user-agent'];
  return {
    ip: collectedIp(request.ip, policy.ip),
    peer: request.ip,
    userAgent: policy.userAgent === 'full' && typeof agent === 'string' ? agent : undefined,
    requestId: request.requestId,
  };
}

/** The calling user (a 403 for any other principal type) with its request context. */
export function userActor(request: FastifyRequest): UserActor & { readonly sessionId: string | undefined } {
  const principal = request.principal;
  if (principal === undefined || principal.type !== 'user') throw new DomainError('forbidden', 'Only a user may do this');
  return { ...requestContext(request), userId: principal.id, sessionId: principal.sessionId };
}
