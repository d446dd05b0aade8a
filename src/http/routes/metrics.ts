/**
 * `/metrics`, Prometheus text. Readable from loopback and the addresses of RAMPART_METRICS_ALLOW
 * without a credential, and by callers holding the platform permission `metrics.read`. Exempt
 * from rate limiting, whose store may be Redis: the metrics of a Redis outage
 * (`rampart_redis_up`, `rampart_revocation_bus_live`) must be readable during it.
 */
import { BlockList, isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export function addressMatcher(allowed: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  for (const entry of allowed) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (ip: string) => {
    // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
    const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

export async function metricsRoutes(app: FastifyInstance, registry: Registry, allowed: readonly string[]): Promise<void> {
  const exemptAddress = addressMatcher(allowed);
  app.get(
    '/metrics',
    {
      config: { access: { permission: 'metrics.read', scope: 'platform', exemptAddress }, rateLimit: false },
      schema: { summary: 'Prometheus metrics', tags: ['discovery'] },
    },
    async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
