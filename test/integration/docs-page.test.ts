/**
 * Adoption 4 (issue 21): the API reference at `/docs`, rendered by Scalar from the server's own
 * OpenAPI document, under a strict CSP and with nothing fetched from another origin. Real
 * Chromium (Debian's, through playwright-core) opens the page from a listening server, waits
 * for an operation of the reference to render, and the test records every request the page made
 * and every CSP violation the browser reported (a `securitypolicyviolation` listener and the
 * console), then keeps a screenshot.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { chromiumAvailable, launchChromium, newPage } from '../helpers/chromium.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const hasChromium = chromiumAvailable();

describe('the rendered API reference at /docs', () => {
  let instance: BackendInstance;
  let server: TestServer;
  let origin: string;
  let assets: string[];

  beforeAll(async () => {
    instance = await sqliteBackend.create();
    server = await testServer(instance, { env: { RAMPART_RATE_LIMIT: '10000' } });
    origin = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const page = await server.app.inject({ method: 'GET', url: '/docs' });
    assets = [...page.body.matchAll(/<script src="([^"]+)"><\/script>/g)].map((match) => match[1] ?? '');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await instance?.cleanup();
  });

  it('adoption 4: /docs is an HTML page without inline script, under a CSP that allows this origin only', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    const csp = String(response.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).not.toMatch(/https?:/);
    // No inline script: every <script> loads a same-origin file and has no body.
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.body).not.toMatch(/<script[^>]*>[^<]+<\/script>/);
    expect(response.body).not.toMatch(/https?:\/\//);
    expect(assets).toHaveLength(2);
    for (const asset of assets) expect(asset).toMatch(/^\/docs\/assets\//);
  });

  it('adoption 4: the assets come from the installed package, versioned, cached long, gzip when asked', async () => {
    const bundle = assets.find((asset) => asset.includes('scalar-')) ?? '';
    const plain = await server.app.inject({ method: 'GET', url: bundle });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toContain('text/javascript');
    const packaged = readFileSync(join(process.cwd(), 'node_modules', '@scalar', 'api-reference', 'dist', 'browser', 'standalone.js'));
    expect(plain.rawPayload.equals(packaged)).toBe(true);
    const zipped = await server.app.inject({ method: 'GET', url: bundle, headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).equals(packaged)).toBe(true);
    // Any other name is refused, never read from the disk.
    const other = await server.app.inject({ method: 'GET', url: '/docs/assets/..%2F..%2Fpackage.json' });
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ code: 'validation_failed' });
  });

  it.skipIf(!hasChromium)(
    'adoption 4: Chromium renders the reference with no CSP violation and no request outside the server',
    async () => {
      const browser: Browser = await launchChromium();
      const shots = mkdtempSync(join(tmpdir(), 'rampart-docs-'));
      try {
        const { context, page } = await newPage(browser);
        const requested: string[] = [];
        const violations: string[] = [];
        page.on('request', (request) => requested.push(request.url()));
        page.on('console', (message) => {
          if (/content security policy/i.test(message.text())) violations.push(message.text());
        });
        // Evaluated in the page (a string: the DOM's types are not this project's).
        await page.addInitScript({
          content:
            "document.addEventListener('securitypolicyviolation', (event) => " +
            "console.error('Content Security Policy violation: ' + event.violatedDirective + ' ' + event.blockedURI));",
        });
        await page.goto(`${origin}/docs`);
        // An operation of the reference, by its summary in the OpenAPI document (GET /healthz, in
        // the first tag, which Scalar opens).
        await page.getByText('Liveness: the process answers', { exact: false }).first().waitFor({ timeout: 60_000 });
        await page.getByText('Rampart API', { exact: false }).first().waitFor();
        const screenshot = join(shots, 'docs.png');
        const png = await page.screenshot({ path: screenshot, fullPage: false });
        await context.close();
        // One refusal is expected and wanted: the bundled zod probes `new Function("")` in a
        // try/catch to choose its JIT parser; `script-src 'self'` (no 'unsafe-eval') refuses it and
        // zod falls back to its plain parser. Any other violation (a style, a font, a script) fails.
        const evalProbe = /violation: script-src eval$|Refused to evaluate a string as JavaScript/;
        expect(violations.filter((violation) => !evalProbe.test(violation))).toEqual([]);
        const outside = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
        expect(outside).toEqual([]);
        expect(requested).toContain(`${origin}/api/v1/openapi.json`);
        expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
        expect(readFileSync(screenshot).length).toBeGreaterThan(20_000);
      } finally {
        await browser.close();
        rmSync(shots, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
