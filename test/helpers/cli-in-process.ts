/**
 * Runs `rampart <args> --json --config <file>` in this process, the way a shell would run the
 * command, without a process's start-up cost: the settings go through a 0600 config file, and the
 * command sees none of the test runner's own RAMPART_* variables (RAMPART_TEST_JSON under CI),
 * which the strict configuration would refuse as unknown. Its exit code, stdout and stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { buildCli } from '../../src/cli/index.js';

export async function cliInProcess(
  env: Record<string, string>,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ RAMPART_LOG_LEVEL: 'warn', ...env }), { mode: 0o600 });
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  const before = process.exitCode;
  const inherited = Object.entries(process.env).filter(([name]) => name.startsWith('RAMPART_'));
  for (const [name] of inherited) Reflect.deleteProperty(process.env, name);
  try {
    await buildCli().parseAsync(['node', 'rampart', ...args, '--json', '--config', file]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    for (const [name, value] of inherited) process.env[name] = value;
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
    rmSync(dir, { recursive: true, force: true });
  }
}
