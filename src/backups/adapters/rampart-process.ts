/**
 * Runs the `rampart` command itself in a child process, on a scratch deployment: the restore
 * drill's secrets check (`rampart secrets rotate-data-keys` and `rewrap` open every version) and
 * its scratch server (`rampart serve` on a random loopback port). The child gets its
 * configuration in its environment — the master key too, which is never on a command line — and
 * none of the parent's `RAMPART_*` variables beyond the key source's, so a schedule, a witness or
 * a sink of the live deployment never runs in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RampartConfig } from '../../kernel/config.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { ScratchServer } from '../ports/backup-ports.js';

/** The command line of this build's `rampart` entry (from source through tsx, or compiled). */
function entry(): string[] {
  const here = import.meta.url;
  const main = fileURLToPath(new URL(`../../cli/main.${here.endsWith('.ts') ? 'ts' : 'js'}`, here));
  return here.endsWith('.ts') ? ['--import', import.meta.resolve('tsx'), main] : [main];
}

const PASSED_THROUGH = /^RAMPART_(KEK_SOURCE|PKCS11_MODULE|PKCS11_TOKEN_LABEL|PKCS11_PIN|PKCS11_KEY_LABEL)$/;

/** The environment of a child working on `config`'s deployment. */
export function childEnvironment(config: RampartConfig, masterKey: Secret<Buffer>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RAMPART_') || PASSED_THROUGH.test(name)) env[name] = value;
  }
  env.RAMPART_DATA_DIR = config.dataDir;
  env.RAMPART_MASTER_KEY = masterKey.reveal().toString('base64');
  env.RAMPART_HOST = '127.0.0.1';
  env.RAMPART_PORT = '0';
  env.RAMPART_LOG_LEVEL = 'warn';
  if (config.databaseUrl !== undefined) env.RAMPART_DATABASE_URL = config.databaseUrl.reveal();
  if (config.databaseMigrationUrl !== undefined) env.RAMPART_DATABASE_MIGRATION_URL = config.databaseMigrationUrl.reveal();
  return env;
}

/** Runs `rampart <args> --json`; resolves with its exit code, the last JSON line it printed and its last `rampart:` line on stderr. */
export function runRampart(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 600_000,
): Promise<{ code: number; result: unknown; message: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry(), ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      if (stdout.length < 1_000_000) stdout += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((text) => text.startsWith('{'));
      let result: unknown = null;
      try {
        result = line === undefined ? null : JSON.parse(line);
      } catch {
        result = null;
      }
      // The command's own one-line reasons (`rampart: …`), never a stack (cli/main.ts).
      const message =
        stderr
          .split('\n')
          .reverse()
          .find((text) => text.startsWith('rampart: ')) ?? '';
      resolve({ code: code ?? 1, result, message: message.slice(0, 300) });
    });
  });
}

/** Starts `rampart serve --json` and resolves once it prints the URL it listens on. */
export function startRampartServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ScratchServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [...entry(), 'serve', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const stop = (): Promise<void> =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('close', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      });
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the scratch server did not start in time'));
    }, timeoutMs);
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      buffered += text;
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{"url"')) continue;
        try {
          const { url } = JSON.parse(line) as { url: string };
          clearTimeout(timer);
          resolve({ url, stop });
          return;
        } catch {
          // an incomplete line: wait for the rest
        }
      }
      if (buffered.length > 1_000_000) buffered = buffered.slice(-10_000);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the scratch server exited (${code ?? 'signal'}) before it listened`));
    });
  });
}
