/**
 * The README's five-minute tour, followed line by line against a real server started as the
 * README's command (a) starts it (`rampart serve` in a fresh directory, its data in `./data`), so
 * the README cannot drift from what Rampart does. Every `sh` block of the section runs, in order,
 * in one bash session, exactly as written, with three substitutions a reader's machine makes for
 * them: the server's port (the test takes a free one instead of 8080), `node bin/rampart.js` runs
 * the same entry from source, and the line `CODE=…` gets the six digits an authenticator app would
 * show for the secret the tour printed. Each command must exit 0, and each `# …` comment right
 * after a command must match its output: the comment's text between `…` must appear, in order
 * (a trailing remark in parentheses is for the reader).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, startChild, type Child } from '../helpers/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;
const OTPAUTH = pathToFileURL(require.resolve('otpauth')).href;
const CLI = `node --import ${TSX} ${join(ROOT, 'src/cli/main.ts')}`;

interface Step {
  readonly command: string;
  readonly expected: readonly string[];
}

/** The tour's commands (continuation lines joined) and the comment lines that follow each. */
function tourSteps(readme: string): Step[] {
  const start = readme.indexOf('## Five-minute tour');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const steps: { command: string; expected: string[] }[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let pending = '';
    for (const line of (block[1] ?? '').split('\n')) {
      if (pending === '' && line.startsWith('#')) {
        steps.at(-1)?.expected.push(line.slice(1).trim());
        continue;
      }
      if (line.trim() === '') continue;
      pending += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
      if (!line.endsWith('\\')) {
        steps.push({ command: pending, expected: [] });
        pending = '';
      }
    }
  }
  return steps;
}

/** What a reader's machine changes in a line: the port, the CLI from source, the app's code. */
function asRun(command: string, url: string): string {
  const code = `CODE=$(node --input-type=module -e "const { TOTP, Secret } = await import('${OTPAUTH}'); process.stdout.write(new TOTP({ secret: Secret.fromBase32(process.argv[1]) }).generate())" "$SECRET")`;
  if (/^CODE=/.test(command)) return code;
  return command.replaceAll('http://127.0.0.1:8080', url).replaceAll('node bin/rampart.js', CLI);
}

/** The parts of an expectation comment that must appear in order: its text split at `…`, remarks dropped. */
function fragments(expected: string): string[] {
  const text = expected.replace(/\s+\([^)]*\)\s*$/, '');
  return text
    .split('…')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe("the README's five-minute tour", () => {
  let dir: string;
  let server: Child | undefined;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-tour-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = startChild(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'serve'], {
      cwd: dir,
      env: cleanEnv({ HOME: dir, RAMPART_PORT: String(port), RAMPART_LOG_LEVEL: 'warn' }),
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server did not start: ${server.stderr()}`);
      await new Promise((wait) => setTimeout(wait, 200));
    }
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adoption 4: every command of the tour succeeds as written and answers what the README says', async () => {
    const steps = tourSteps(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(steps.length).toBeGreaterThan(10);
    const script = [
      'shopt -s expand_aliases',
      ...steps.flatMap((step, n) => [`echo "@@step ${n}"`, asRun(step.command, url), `echo "@@rc ${n} $?"`]),
    ].join('\n');
    const output = await new Promise<string>((done, fail) => {
      const bash = spawn('bash', ['-c', script], { cwd: dir, env: cleanEnv({ HOME: dir }), stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      bash.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      bash.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      bash.once('error', fail);
      bash.once('close', () => done(text));
    });
    const problems: string[] = [];
    steps.forEach((step, n) => {
      const from = output.indexOf(`@@step ${n}\n`);
      const to = output.indexOf(`@@rc ${n} `, from);
      if (from < 0 || to < 0) {
        problems.push(`step ${n} did not run: ${step.command}`);
        return;
      }
      const shown = output.slice(from + `@@step ${n}\n`.length, to);
      const rc = Number(/^(\d+)/.exec(output.slice(to + `@@rc ${n} `.length))?.[1]);
      if (rc !== 0) problems.push(`"${step.command}" exited ${rc}:\n${shown}`);
      for (const expected of step.expected) {
        let at = 0;
        for (const fragment of fragments(asRun(expected, url))) {
          const found = shown.indexOf(fragment, at);
          if (found < 0) {
            problems.push(`"${step.command}" should show "${fragment}" (README: # ${expected}); it showed:\n${shown}`);
            break;
          }
          at = found + fragment.length;
        }
      }
    });
    expect(problems).toEqual([]);
  }, 240_000);
});
