/**
 * The first start of a fresh deployment creates the platform admin once. Without
 * RAMPART_BOOTSTRAP_ADMIN_PASSWORD the password is random and printed once, on stderr, by
 * `rampart serve` — not in the JSON logs on stdout, not on a second start — and it logs in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, startChild, type Child } from '../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const NOTICE = /created the platform admin (\S+) with the password (\S+)/g;

describe('bootstrap admin through `rampart serve`', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'rampart-bootstrap-'));
  const children: Child[] = [];

  afterAll(async () => {
    for (const child of children) await child.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  async function serveOnce(): Promise<{ stdout: string; stderr: string; url: string; child: Child }> {
    const child = startChild(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'serve', '--json'], {
      cwd,
      env: cleanEnv({ RAMPART_PORT: '0', RAMPART_PUBLIC_URL: 'https://rampart.example.test' }),
    });
    children.push(child);
    const line = await child.waitForJson((l) => typeof l.url === 'string' && 'redirect_url' in l, 'the url line');
    return { stdout: child.stdout.join('\n'), stderr: child.stderr(), url: String(line.url), child };
  }

  /** stderr and stdout are separate pipes: the notice may arrive after the url line. Bounded wait. */
  async function stderrOnceItHas(child: Child, pattern: RegExp): Promise<string> {
    for (let attempt = 0; attempt < 100 && !pattern.test(child.stderr()); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return child.stderr();
  }

  it('prints a random password once on stderr, never in the logs, and not on a second start', async () => {
    const first = await serveOnce();
    const stderr = await stderrOnceItHas(first.child, new RegExp(NOTICE.source));
    const notices = [...stderr.matchAll(NOTICE)];
    expect(notices).toHaveLength(1);
    const [, email, password] = notices[0]!;
    expect(email).toBe('admin@rampart.example.test');
    expect(password!.length).toBeGreaterThanOrEqual(20);
    const response = await fetch(`${first.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(response.status).toBe(200);
    const grant = (await response.json()) as { access_token: string };
    first.child.process.kill('SIGTERM');
    await first.child.exited;
    const logs = first.child.stdout.join('\n');
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(grant.access_token);

    const second = await serveOnce();
    second.child.process.kill('SIGTERM');
    await second.child.exited;
    expect(second.child.stderr()).not.toMatch(/created the platform admin/);
    expect(second.child.stderr()).not.toContain(password);
  });
});
