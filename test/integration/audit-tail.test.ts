/**
 * `rampart audit tail [--follow]`, the real CLI in a child process, on every backend: it prints the
 * latest entries as JSON lines in the spec's Entry shape (personal fields disclosed with the
 * master key), then — with `--follow` — each entry as it is integrated, and exits 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlAuditLog } from '../../src/audit/adapters/sql-audit-log.js';
import { auditSubjectKeyWrap } from '../../src/audit/compose.js';
import { masterKeyOf } from '../../src/kernel/master-key.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';
import { backends } from '../helpers/backends.js';
import { cleanEnv } from '../helpers/processes.js';
import { testConfig } from '../helpers/rampart.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

for (const backend of await backends()) {
  describe(`rampart audit tail on ${backend.name}`, () => {
    let store: AuditStore;
    let log: SqlAuditLog;

    beforeEach(async () => {
      store = await auditStore(backend);
      log = store.log({ subjectKeyWrap: auditSubjectKeyWrap(masterKeyOf(testConfig(store.instance))) }).log;
    });
    afterEach(async () => {
      await store.cleanup();
    });

    it('prints the last entries, follows new ones as JSON lines, and stops on SIGTERM', async () => {
      for (let n = 0; n < 5; n += 1) await log.record(auditEvent(n, { subject: `usr_${n}`, sourceIp: `192.0.2.${n}` }));
      await log.integrate();
      const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'audit', 'tail', '--follow', '--lines', '2'], {
        env: cleanEnv(store.instance.env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines: Record<string, unknown>[] = [];
      let buffer = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
      });
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      const waitFor = async (count: number): Promise<void> => {
        const deadline = Date.now() + 30_000;
        while (lines.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      };
      await waitFor(2);
      expect(lines.map((l) => l.index)).toEqual([3, 4]);
      expect(lines[1]).toMatchObject({ index: 4, source_ip: '192.0.2.4', actor: { type: 'user', id: 'usr_4' } });
      expect(typeof lines[1]?.leaf_hash).toBe('string');

      await log.record(auditEvent(5, { subject: 'usr_5', sourceIp: '192.0.2.5' }));
      await log.integrate();
      await waitFor(3);
      expect(lines.map((l) => l.index)).toEqual([3, 4, 5]);
      expect(lines[2]).toMatchObject({ action: 'user.update', source_ip: '192.0.2.5' });

      child.kill('SIGTERM');
      expect(await closed).toBe(0);
    });
  });
}
