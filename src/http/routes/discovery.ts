/** Discovery documents: the OpenAPI description and RFC 9116 `security.txt`. */
import type { FastifyInstance } from 'fastify';
import type { RampartConfig } from '../../kernel/config.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** RFC 9116 §2.5.5 recommends an `Expires` less than a year ahead. */
const SECURITY_TXT_LIFETIME_DAYS = 180;

export function securityTxt(config: RampartConfig, now: number): string {
  // Midnight UTC, so that the document is stable through the day.
  const expires = new Date(Math.floor((now + SECURITY_TXT_LIFETIME_DAYS * DAY_MS) / DAY_MS) * DAY_MS);
  const lines = [`Contact: ${config.securityContact}`, `Expires: ${expires.toISOString()}`];
  if (config.securityPolicy !== undefined) lines.push(`Policy: ${config.securityPolicy}`);
  lines.push(`Canonical: ${config.publicUrl}/.well-known/security.txt`, 'Preferred-Languages: en');
  return `${lines.join('\n')}\n`;
}

export async function discoveryRoutes(app: FastifyInstance, config: RampartConfig, now: () => number): Promise<void> {
  app.get(
    '/api/v1/openapi.json',
    { config: { access: 'public' }, schema: { summary: 'This OpenAPI 3.1 document', tags: ['discovery'] } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return app.swagger();
    },
  );

  app.get(
    '/.well-known/security.txt',
    { config: { access: 'public' }, schema: { summary: 'RFC 9116 security contact', tags: ['discovery'] } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return reply.type('text/plain; charset=utf-8').send(securityTxt(config, now()));
    },
  );
}
