/**
 * `/docs`: the API reference, rendered in the browser by Scalar from this server's own OpenAPI
 * document (`/api/v1/openapi.json`). Everything the page loads comes from this server: Scalar's
 * standalone bundle is read from the installed `@scalar/api-reference` package (never a CDN) and
 * served under `/docs/assets/`, named with its version so that it can be cached for a year. The
 * page holds no inline script: its configuration is a JSON data attribute, read by a same-origin
 * start script. The route's CSP allows scripts, connections, images and fonts from this origin
 * only; Scalar's Vue components write `<style>` elements and style attributes at run time, so
 * styles also need 'unsafe-inline' (docs/decisions/033-sdk-and-remote-cli.md says why that is
 * acceptable here). The configuration turns off what would reach outside: the default fonts
 * (fonts.scalar.com), telemetry, the agent, and the request proxy.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { VERSION } from '../../version.js';

const require = createRequire(import.meta.url);
const SCALAR_BUNDLE = require.resolve('@scalar/api-reference/browser/standalone.js');
// The package's own manifest (its `exports` do not list it): dist/browser/standalone.js → ../../package.json.
const SCALAR_VERSION = (JSON.parse(readFileSync(join(dirname(SCALAR_BUNDLE), '..', '..', 'package.json'), 'utf8')) as { version: string })
  .version;
const gzipAsync = promisify(gzip);

/** The page's policy: nothing from elsewhere, no inline script, no framing. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // Scalar (Vue) injects <style> elements and style attributes while it renders.
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const BUNDLE_FILE = `scalar-${SCALAR_VERSION}.js`;
const START_FILE = `start-${VERSION}.js`;

/** What Scalar is told: this server's document, and nothing that loads from another origin. */
const SCALAR_CONFIGURATION = {
  url: '/api/v1/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: 'never',
  hideClientButton: false,
  documentDownloadType: 'json',
};

/** Reads the configuration from the data attribute and starts Scalar; served same-origin. */
const START_SCRIPT = `// Rampart: starts the Scalar API reference with the page's own configuration.
(function () {
  var mount = document.getElementById('api-reference');
  var configuration = JSON.parse(mount.getAttribute('data-configuration'));
  window.Scalar.createApiReference(mount, configuration);
})();
`;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Rampart API reference</title>
  </head>
  <body>
    <div id="api-reference" data-configuration="${escapeAttribute(JSON.stringify(SCALAR_CONFIGURATION))}"></div>
    <script src="/docs/assets/${BUNDLE_FILE}"></script>
    <script src="/docs/assets/${START_FILE}"></script>
  </body>
</html>
`;

/** An asset, kept in memory once read, with its gzip form made once on first use. */
class Asset {
  readonly #load: () => Promise<Buffer>;
  #plain: Promise<Buffer> | undefined;
  #gzipped: Promise<Buffer> | undefined;

  constructor(load: () => Promise<Buffer>) {
    this.#load = load;
  }

  plain(): Promise<Buffer> {
    this.#plain ??= this.#load();
    return this.#plain;
  }

  gzipped(): Promise<Buffer> {
    this.#gzipped ??= this.plain().then((plain) => gzipAsync(plain));
    return this.#gzipped;
  }
}

const ASSETS: Readonly<Record<string, Asset>> = {
  [BUNDLE_FILE]: new Asset(() => readFile(SCALAR_BUNDLE)),
  [START_FILE]: new Asset(async () => Buffer.from(START_SCRIPT, 'utf8')),
};

function acceptsGzip(request: FastifyRequest): boolean {
  const accepted = request.headers['accept-encoding'];
  return typeof accepted === 'string' && /\bgzip\b/.test(accepted);
}

async function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset): Promise<FastifyReply> {
  // The name carries the version: a new version is a new URL, so the old one may be kept a year.
  reply.header('cache-control', 'public, max-age=31536000, immutable').header('vary', 'accept-encoding');
  reply.type('text/javascript; charset=utf-8');
  if (acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(await asset.gzipped());
  return reply.send(await asset.plain());
}

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/docs',
    {
      config: { access: 'public', csp: DOCS_CSP },
      schema: {
        summary: 'The API reference, rendered (HTML)',
        description:
          'An HTML page that renders this OpenAPI document with Scalar. Every asset comes from this server (`/docs/assets/…`); ' +
          "the page's Content-Security-Policy allows scripts and connections to this origin only.",
        tags: ['discovery'],
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html; charset=utf-8').send(PAGE);
    },
  );

  app.get(
    '/docs/assets/:file',
    {
      config: { access: 'public', csp: DOCS_CSP },
      schema: {
        summary: "The reference page's scripts",
        description:
          "Scalar's standalone bundle (from the installed `@scalar/api-reference` package) and the page's start script. Each " +
          'name carries its version and is cached for a year; gzip when the client accepts it.',
        tags: ['discovery'],
        params: Type.Object(
          { file: Type.Union([Type.Literal(BUNDLE_FILE), Type.Literal(START_FILE)], { description: 'The asset' }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      const asset = ASSETS[file];
      // The schema admits only the two names; this keeps a lookup that missed from answering 500.
      if (asset === undefined) return reply.callNotFound();
      return sendAsset(request, reply, asset);
    },
  );
}
