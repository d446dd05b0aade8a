/**
 * Authorization benchmarks (issue 5), in-process, one run: Rampart's decision against node-casbin's
 * documented `rbac_with_domains` model, and Rampart at 10 vs 10,000 orgs.
 *
 * - casbin "documented": one policy per (tenant, role, permission) — 100 tenants × 4 roles,
 *   1,800 `p` rules — and a `g` rule per (user, role, tenant); `enforce(user, tenant, obj, act)`.
 * - casbin "shared": the same roles declared once in domain `*` (18 `p` rules), the matcher
 *   accepting `p.dom == "*"`.
 * - Rampart `decide()`: the pure rule on prepared views; `TenantAuthorizer.check()`: the whole
 *   per-request path of an org-scoped route (org and membership from its cache, then decide()).
 * - Rampart `POST /api/v1/authz/check` through the whole HTTP chain (Fastify `inject`, SQLite),
 *   with 10 and with 10,000 seeded orgs: the ratio shows whether cost grows with tenants.
 *
 * Every contender answers the same random (user, tenant, permission) questions, and the answers
 * are checked against each other before timing (a benchmark of wrong answers is worthless).
 * `node bench/authz.mjs` after `npm run build`; `npm run bench -- authz` runs it in the harness.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);

/** The four roles of the casbin layout: 18 permission rules in all. */
const CASBIN_ROLES = {
  admin: [
    'org.read',
    'members.read',
    'members.manage',
    'secrets.manage',
    'api_keys.manage',
    'audit.read',
    'config.manage',
    'resources.export',
  ],
  operator: ['org.read', 'resources.read', 'resources.write', 'jobs.read', 'jobs.cancel'],
  viewer: ['org.read', 'resources.read'],
  auditor: ['org.read', 'resources.read', 'audit.read'],
};
const ROLE_NAMES = Object.keys(CASBIN_ROLES);
const QUESTION_PERMISSIONS = [...new Set(Object.values(CASBIN_ROLES).flat())];

const DOCUMENTED_MODEL = `
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
`;
const SHARED_MODEL = DOCUMENTED_MODEL.replace('r.dom == p.dom', '(p.dom == "*" || r.dom == p.dom)');

/** A deterministic generator, so every contender gets the same questions. */
function questions(tenants, count) {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const list = [];
  for (let i = 0; i < count; i += 1) {
    const tenant = next() % tenants;
    const role = ROLE_NAMES[next() % ROLE_NAMES.length];
    list.push({ tenant, role, user: `u-${tenant}-${role}`, permission: QUESTION_PERMISSIONS[next() % QUESTION_PERMISSIONS.length] });
  }
  return list;
}

async function casbinEnforcer(tenants, shared) {
  const lines = [];
  for (const [role, permissions] of Object.entries(CASBIN_ROLES)) {
    for (const permission of permissions) {
      const [obj, act] = permission.split('.');
      if (shared) lines.push(`p, ${role}, *, ${obj}, ${act}`);
      else for (let t = 0; t < tenants; t += 1) lines.push(`p, ${role}, t${t}, ${obj}, ${act}`);
    }
  }
  for (let t = 0; t < tenants; t += 1) for (const role of ROLE_NAMES) lines.push(`g, u-${t}-${role}, ${role}, t${t}`);
  const enforcer = await newEnforcer(newModelFromString(shared ? SHARED_MODEL : DOCUMENTED_MODEL), new StringAdapter(lines.join('\n')));
  return { enforcer, rules: lines.filter((line) => line.startsWith('p,')).length };
}

/** Calls `fn(i)` for about `seconds`; returns operations per second. */
async function measure(fn, seconds, { minOps = 3 } = {}) {
  for (let i = 0; i < Math.min(200, minOps * 10); i += 1) await fn(i); // warm-up
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let ops = 0;
  while (ops < minOps || process.hrtime.bigint() < end) {
    for (let k = 0; k < 50; k += 1) await fn(ops++);
  }
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Rampart's authorizer over in-memory facts (the bench measures the decision, not a store). */
async function rampartAuthorizer(tenants) {
  const { TenantAuthorizer } = await dist('tenancy/services/tenant-authorizer.js');
  const { PermissionRegistry } = await dist('tenancy/domain/permissions.js');
  const { InProcessRevocationBus } = await dist('kernel/adapters/memory/in-process-revocation-bus.js');
  const orgs = new Map();
  for (let t = 0; t < tenants; t += 1) orgs.set(`org_${t}`, { id: `org_${t}`, slug: `t${t}`, name: `T${t}`, createdAt: 0 });
  const roleOf = (orgId, userId) => {
    const [, tenant, role] = userId.split('-');
    return `org_${tenant}` === orgId ? (role === 'admin' ? 'admin' : role) : undefined;
  };
  const store = {
    resolve: async (ref) => orgs.get(ref) ?? orgs.get(`org_${ref.slice(1)}`),
    roleOf: async (orgId, userId) => roleOf(orgId, userId),
    customRolesOf: async () => [],
  };
  const users = { findById: async (id) => ({ id, status: 'active' }), memberships: async () => [] };
  const authorizer = new TenantAuthorizer({
    orgs: store,
    users,
    registry: new PermissionRegistry(),
    bus: new InProcessRevocationBus(),
    clock: { now: () => Date.now() },
  });
  await authorizer.start();
  return authorizer;
}

/** How many orgs the benchmark's caller belongs to, whatever the number of tenants. */
const CALLER_ORGS = 10;

/**
 * A Rampart (SQLite) with `tenants` orgs, each with an owner of its own; the caller (the bootstrap
 * admin) belongs to {@link CALLER_ORGS} of them, spread over the range, so only the number of
 * tenants changes between runs. Returns a check function and the caller's org slugs.
 */
async function rampartServer(tenants) {
  const { loadConfig } = await dist('config.js');
  const { createRampart } = await dist('rampart.js');
  const { buildServer } = await dist('http/server.js');
  const { createLogger } = await dist('kernel/adapters/log/pino-logger.js');
  const { Writable } = await import('node:stream');
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-authz-')), 'data');
  const password = 'bench passphrase that is long enough 1';
  const config = loadConfig({
    env: {
      RAMPART_DATA_DIR: dataDir,
      RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'bench@example.test',
      RAMPART_BOOTSTRAP_ADMIN_PASSWORD: password,
      RAMPART_RATE_LIMIT: '1000000000',
      RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
      RAMPART_LOG_LEVEL: 'warn',
    },
  });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const rampart = await createRampart(config, { logger: createLogger('warn', sink) });
  const app = await buildServer(rampart);
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'bench@example.test', password } });
  const grant = login.json();
  const db = rampart.database.db;
  const step = Math.floor(tenants / CALLER_ORGS);
  const callerOrgs = [];
  for (let start = 0; start < tenants; start += 1000) {
    const orgs = [];
    const users = [];
    const members = [];
    for (let t = start; t < Math.min(start + 1000, tenants); t += 1) {
      orgs.push({ id: `org_bench${t}`, slug: `t${t}`, name: `T${t}`, created_at: 0 });
      const owner = `usr_bench${t}`;
      users.push({
        id: owner,
        email: `owner${t}@bench.example.test`,
        name: null,
        password_hash: null,
        status: 'active',
        created_at: 0,
        updated_at: 0,
        password_changed_at: null,
        failed_logins: 0,
        next_login_at: null,
      });
      members.push({ org_id: `org_bench${t}`, user_id: owner, role: 'owner', created_at: 0 });
      if (t % step === 0 && callerOrgs.length < CALLER_ORGS) {
        callerOrgs.push(`t${t}`);
        members.push({
          org_id: `org_bench${t}`,
          user_id: grant.user.id,
          role: ROLE_NAMES[callerOrgs.length % ROLE_NAMES.length],
          created_at: 0,
        });
      }
    }
    await db.insertInto('orgs').values(orgs).execute();
    await db.insertInto('users').values(users).execute();
    await db.insertInto('memberships').values(members).execute();
  }
  const headers = { authorization: `Bearer ${grant.access_token}`, 'content-type': 'application/json' };
  return {
    callerOrgs,
    async check(org, permission) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/authz/check',
        headers,
        payload: JSON.stringify({ org, permission }),
      });
      if (response.statusCode !== 200) throw new Error(`authz/check answered ${response.statusCode}: ${response.body}`);
      return response.json().allowed;
    },
    async close() {
      await app.close();
      await rampart.close();
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

/**
 * Runs every measurement; `seconds` per contender.
 * @returns {Promise<{rows: {label: string, opsPerSecond: number, detail: string}[], ratios: {label: string, value: number, goal: string, met: boolean}[], valid: boolean, problems: string[]}>}
 */
export async function runAuthzBench(seconds = Number(process.env.BENCH_AUTHZ_SECONDS ?? 3), log = () => {}) {
  const { decide } = await dist('tenancy/domain/decide.js');
  const TENANTS = 100;
  const asked = questions(TENANTS, 4096);
  const problems = [];
  const rows = [];

  log('  casbin (documented layout, 100 tenants)…');
  const documented = await casbinEnforcer(TENANTS, false);
  log('  casbin (shared roles, domain *)…');
  const shared = await casbinEnforcer(TENANTS, true);
  const authorizer = await rampartAuthorizer(TENANTS);
  const principal = (q) => ({ type: 'user', id: q.user, via: 'bearer' });

  // The contenders must agree before they are timed.
  for (const q of asked.slice(0, 300)) {
    const [obj, act] = q.permission.split('.');
    const a = documented.enforcer.enforceSync(q.user, `t${q.tenant}`, obj, act);
    const b = shared.enforcer.enforceSync(q.user, `t${q.tenant}`, obj, act);
    const expected = CASBIN_ROLES[q.role].includes(q.permission);
    if (a !== expected || b !== expected) problems.push(`casbin disagrees on ${q.user} ${q.permission}`);
    const c = (await authorizer.check(principal(q), `org_${q.tenant}`, q.permission)).allow;
    // Rampart's built-in roles are richer than the casbin layout's (admin holds everything), so only allows of the layout must be allows.
    if (expected && !c) problems.push(`rampart denies ${q.user} ${q.permission}`);
  }

  const view = await authorizer.orgView('org_0');
  const subject = await authorizer.subject({ type: 'user', id: 'u-0-operator', via: 'bearer' }, view);
  const decideOps = await measure((i) => decide(subject, view, asked[i % asked.length].permission), seconds);
  rows.push({ label: 'Rampart decide() (pure)', opsPerSecond: decideOps, detail: 'prepared org view' });
  const checkOps = await measure((i) => {
    const q = asked[i % asked.length];
    return authorizer.check(principal(q), `org_${q.tenant}`, q.permission);
  }, seconds);
  rows.push({ label: 'Rampart TenantAuthorizer.check()', opsPerSecond: checkOps, detail: '100 tenants, cached' });
  const casbinDocOps = await measure((i) => {
    const q = asked[i % asked.length];
    const [obj, act] = q.permission.split('.');
    return documented.enforcer.enforceSync(q.user, `t${q.tenant}`, obj, act);
  }, seconds);
  rows.push({ label: 'casbin enforce(), documented layout', opsPerSecond: casbinDocOps, detail: `${documented.rules} p rules` });
  const casbinSharedOps = await measure((i) => {
    const q = asked[i % asked.length];
    const [obj, act] = q.permission.split('.');
    return shared.enforcer.enforceSync(q.user, `t${q.tenant}`, obj, act);
  }, seconds);
  rows.push({ label: 'casbin enforce(), shared roles', opsPerSecond: casbinSharedOps, detail: `${shared.rules} p rules` });
  await authorizer.close();

  // Both servers stay up and are measured in alternating rounds, so that load from elsewhere on
  // the machine falls on both alike; each figure is the median of its rounds.
  const ROUNDS = 5;
  const servers = {};
  for (const tenants of [10, 10_000]) {
    log(`  Rampart POST /api/v1/authz/check with ${tenants} orgs (seeding)…`);
    servers[tenants] = await rampartServer(tenants);
  }
  const http = {};
  try {
    const picks = questions(CALLER_ORGS, 4096);
    const samples = { 10: [], 10000: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const tenants of round % 2 === 0 ? [10, 10_000] : [10_000, 10]) {
        const server = servers[tenants];
        samples[tenants].push(
          await measure((i) => {
            const q = picks[i % picks.length];
            return server.check(server.callerOrgs[q.tenant], q.permission);
          }, seconds / 2),
        );
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    for (const tenants of [10, 10_000]) {
      http[tenants] = median(samples[tenants]);
      rows.push({
        label: 'Rampart POST /api/v1/authz/check',
        opsPerSecond: http[tenants],
        detail: `${tenants.toLocaleString('en-US')} orgs, inject, median of ${ROUNDS} alternating rounds`,
      });
    }
  } finally {
    for (const server of Object.values(servers)) await server.close();
  }
  const ratios = [
    { label: 'decide() / casbin documented', value: decideOps / casbinDocOps, goal: '≥ 1000', met: decideOps / casbinDocOps >= 1000 },
    { label: 'decide() / casbin shared', value: decideOps / casbinSharedOps, goal: '≥ 10', met: decideOps / casbinSharedOps >= 10 },
    { label: 'TenantAuthorizer.check() / casbin documented', value: checkOps / casbinDocOps, goal: '(informative)', met: true },
    { label: 'TenantAuthorizer.check() / casbin shared', value: checkOps / casbinSharedOps, goal: '(informative)', met: true },
    {
      label: 'HTTP authz/check (10 orgs) / casbin documented',
      value: http[10] / casbinDocOps,
      goal: '≥ 1000',
      met: http[10] / casbinDocOps >= 1000,
    },
    { label: 'HTTP authz/check / casbin shared', value: http[10] / casbinSharedOps, goal: '≥ 10', met: http[10] / casbinSharedOps >= 10 },
    { label: 'HTTP authz/check 10,000 orgs / 10 orgs', value: http[10_000] / http[10], goal: '≥ 0.9', met: http[10_000] / http[10] >= 0.9 },
  ];
  return { rows, ratios, valid: problems.length === 0, problems };
}

/** The table and the ratios, as lines. */
export function describeAuthz(result) {
  const lines = ['', 'contender'.padEnd(48) + 'ops/s'.padStart(14) + '  detail'];
  for (const row of result.rows)
    lines.push(row.label.padEnd(48) + Math.round(row.opsPerSecond).toLocaleString('en-US').padStart(14) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(52) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios) {
    lines.push(
      ratio.label.padEnd(52) +
        ratio.value.toFixed(ratio.value >= 100 ? 0 : 2).padStart(12) +
        `  ${ratio.goal}${ratio.goal.startsWith('(') ? '' : ratio.met ? ' met' : ' NOT met'}`,
    );
  }
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runAuthzBench(undefined, (line) => process.stderr.write(`${line}\n`));
  for (const line of describeAuthz(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
