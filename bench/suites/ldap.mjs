/**
 * LDAP sign-in (issue 17 item 3): Rampart's `POST /api/v1/auth/ldap/{directory}/login` against a
 * throwaway OpenLDAP slapd on loopback (test/fixtures/ldap/start-slapd.sh), beside the bare peer
 * measured in the same run — an `ldapts` client that connects, binds as the user's DN and unbinds.
 * Rampart's sign-in does more by design: a service bind, the escaped user search, the user bind,
 * a second service bind and the group search, then the account, link, membership sync, audit
 * entries and the session (SQLite). Both run BENCH_LDAP_CONCURRENCY (8) at a time for
 * BENCH_LDAP_OPS (2,000) sign-ins. In-process (`app.inject`); needs `npm run build` and slapd.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from 'ldapts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
const USER_DN = 'uid=alice,ou=people,dc=rampart,dc=test';
const PASSWORD = 'alice-Pass-1865';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

async function startSlapd() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-ldap-bench-'));
  const out = execFileSync('bash', [path.join(ROOT, 'test/fixtures/ldap/start-slapd.sh'), dir, String(await freePort())], {
    encoding: 'utf8',
  });
  const vars = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    vars,
    stop() {
      try {
        process.kill(Number(readFileSync(path.join(dir, 'slapd.pid'), 'utf8').trim()), 'SIGTERM');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `ops` runs of `once`, `concurrency` at a time; answers operations per second. */
async function measure(ops, concurrency, once) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ops) {
        next += 1;
        await once();
      }
    }),
  );
  return ops / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function bareBind(url) {
  const client = new Client({ url });
  try {
    await client.bind(USER_DN, PASSWORD);
  } finally {
    await client.unbind();
  }
}

/** The configuration of `env`; a bad one removes the data directory made for it. */
function configOf(loadConfig, dataDir, env) {
  try {
    return loadConfig({ env });
  } catch (error) {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
    throw error;
  }
}

async function rampartServer(vars) {
  const { loadConfig } = await dist('config.js');
  const { createRampart } = await dist('rampart.js');
  const { buildServer } = await dist('http/server.js');
  const { createLogger } = await dist('kernel/adapters/log/pino-logger.js');
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-ldap-bench-data-')), 'data');
  const directories = [
    {
      name: 'corp',
      url: vars.TEST_LDAP_URL,
      bind_dn: vars.TEST_LDAP_BIND_DN,
      bind_password: vars.TEST_LDAP_BIND_PASSWORD,
      base_dn: vars.TEST_LDAP_BASE_DN,
      group_base_dn: vars.TEST_LDAP_GROUP_BASE_DN,
    },
  ];
  const config = configOf(loadConfig, dataDir, {
    RAMPART_DATA_DIR: dataDir,
    RAMPART_PORT: '0',
    RAMPART_LOG_LEVEL: 'warn',
    RAMPART_PUBLIC_URL: 'https://rampart.example.test',
    RAMPART_RATE_LIMIT: '1000000000',
    RAMPART_LOGIN_RATE_LIMIT: '100000',
    RAMPART_LOGIN_ACCOUNT_LIMIT: '100000',
    RAMPART_LDAP_DIRECTORIES: JSON.stringify(directories),
  });
  const rampart = await createRampart(config, { logger: createLogger('warn') });
  const app = await buildServer(rampart);
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await rampart.close();
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

export async function runLdapBench(log) {
  const ops = env('BENCH_LDAP_OPS', 2_000);
  const concurrency = env('BENCH_LDAP_CONCURRENCY', 8);
  const problems = [];
  const slapd = await startSlapd();
  try {
    const url = slapd.vars.TEST_LDAP_URL;
    const s = await rampartServer(slapd.vars);
    try {
      const login = async () => {
        const response = await s.app.inject({
          method: 'POST',
          url: '/api/v1/auth/ldap/corp/login',
          payload: { username: 'alice', password: PASSWORD },
        });
        if (response.statusCode !== 200) throw new Error(`LDAP login answered ${response.statusCode}: ${response.body}`);
      };
      // Warm both paths (the first sign-in provisions the account).
      await login();
      await bareBind(url);
      log(`  bare ldapts bind, ${ops.toLocaleString('en-US')} ops, ${concurrency} at a time`);
      const bare = await measure(ops, concurrency, () => bareBind(url));
      log(`  Rampart LDAP sign-in, ${ops.toLocaleString('en-US')} ops, ${concurrency} at a time`);
      const rampart = await measure(ops, concurrency, login);
      const rows = [
        { label: 'bare ldapts connect + bind + unbind (/s)', value: bare, detail: 'peer, same slapd, same run' },
        {
          label: 'Rampart POST /api/v1/auth/ldap/corp/login (/s)',
          value: rampart,
          detail: 'search, binds, groups, account, audit, session',
        },
      ];
      return { rows, ratios: [{ label: 'Rampart sign-in / bare bind', value: rampart / bare, goal: 'measured' }], problems, valid: true };
    } finally {
      await s.close();
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return { rows: [], ratios: [], problems, valid: false };
  } finally {
    slapd.stop();
  }
}

export function describeLdap(result) {
  const lines = ['', 'measure'.padEnd(52) + 'value'.padStart(12) + '  detail'];
  for (const row of result.rows)
    lines.push(row.label.padEnd(52) + Math.round(row.value).toLocaleString('en-US').padStart(12) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(52) + 'value'.padStart(12));
  for (const ratio of result.ratios) lines.push(ratio.label.padEnd(52) + ratio.value.toFixed(3).padStart(12));
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

export default {
  name: 'ldap',
  title: 'LDAP sign-in against slapd on loopback vs a bare ldapts bind',
  async run(_settings, _generator, log) {
    const result = await runLdapBench(log);
    return { name: 'ldap', title: this.title, ...result };
  },
  describe: describeLdap,
};
