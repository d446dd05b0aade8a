/**
 * Signing benchmarks (issue 16), one run, in-process except the HTTP part:
 *
 * - raw Ed25519 `crypto.sign` / `crypto.verify` of the same bytes (the DSSE PAE of the statement),
 *   key objects built once — the reference;
 * - the envelope in process: the statement's canonical JSON, PAE, the keyring's `sign` (active key
 *   cached, seed unwrapped once) and the envelope JSON; and the verifier module's `checkEnvelope`
 *   against the pinned JWKS (signing/verifier/). Goal: each ≥ 0.8× raw;
 * - signs per second through the API (`POST /api/v1/orgs/{org}/artifacts/sign` over loopback HTTP,
 *   bearer token, the whole chain, the durable audit entry, and the bundle: the entry integrated,
 *   a covering checkpoint, its inclusion proof), BENCH_SIGNING_CONNECTIONS concurrent requests.
 *
 * `node bench/signing.mjs` after `npm run build`; `npm run bench -- signing` runs it in the harness.
 * Raw and envelope run in 5 interleaved rounds, the best of each kept.
 * Knobs: BENCH_SIGNING_OPS (in-process ops, 20,000), BENCH_SIGNING_HTTP_OPS (1,000),
 * BENCH_SIGNING_CONNECTIONS (8).
 */
/* global fetch */
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
const clock = { now: () => Date.now() };

function rate(count, started) {
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'compiler.tar.gz', digest: { sha256: 'ab'.repeat(32) } }],
  predicateType: 'https://rampart.invalid/attestation/signed-artifact/v1',
  predicate: {},
};

function raw(ops, message) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let started = process.hrtime.bigint();
  let signature;
  for (let i = 0; i < ops; i += 1) signature = sign(null, message, privateKey);
  const signs = rate(ops, started);
  started = process.hrtime.bigint();
  for (let i = 0; i < ops; i += 1) if (!verify(null, message, publicKey, signature)) throw new Error('raw verify failed');
  return { sign: signs, verify: rate(ops, started) };
}

/** A keyring on an in-memory store and a master-key KEK: what `Signing.sign` does once its key is cached. */
async function keyring() {
  const { Keyring } = await dist('signing/services/keyring.js');
  const { MasterKeyKek } = await dist('secrets/crypto/kek-master-key.js');
  const { MemoryAuditLog } = await dist('kernel/adapters/memory/memory-audit-log.js');
  const { secret } = await dist('kernel/domain/secret.js');
  const kek = new MasterKeyKek(secret(randomBytes(32)), 'environment');
  await kek.create('kek_bench');
  const rows = [];
  const store = {
    list: async (purpose) => rows.filter((row) => purpose === undefined || row.purpose === purpose),
    add: async (key) => void rows.push(key),
    rewrap: async () => false,
  };
  const sealer = {
    activeKek: async () => 'kek_bench',
    wrap: (id, seed, aad) => kek.wrap(id, seed, aad),
    unwrap: (id, w, aad) => kek.unwrap(id, w, aad),
  };
  return new Keyring({ store, sealer, audit: new MemoryAuditLog(), clock, retiredWindowMs: 86_400_000 });
}

async function envelopes(ops, ring) {
  const { canonicalJson } = await dist('kernel/crypto/canonical-json.js');
  const { pae, checkEnvelope } = await dist('signing/verifier/index.js');
  const type = 'application/vnd.in-toto+json';
  let started = process.hrtime.bigint();
  let envelope;
  for (let i = 0; i < ops; i += 1) {
    const payload = Buffer.from(canonicalJson(statement), 'utf8');
    const signed = await ring.sign('artifacts', pae(type, payload));
    envelope = {
      payload: payload.toString('base64'),
      payloadType: type,
      signatures: [{ keyid: signed.keyId, sig: signed.signature.toString('base64') }],
    };
  }
  const signs = rate(ops, started);
  const { keys } = await ring.jwks();
  started = process.hrtime.bigint();
  for (let i = 0; i < ops; i += 1) if (!checkEnvelope(envelope, keys).ok) throw new Error('envelope verify failed');
  return { sign: signs, verify: rate(ops, started) };
}

async function http(ops, connections) {
  const { loadConfig } = await dist('config.js');
  const { createRampart } = await dist('rampart.js');
  const { buildServer } = await dist('http/server.js');
  const { createLogger } = await dist('kernel/adapters/log/pino-logger.js');
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-signing-http-')), 'data');
  const config = loadConfig({
    env: {
      RAMPART_DATA_DIR: dataDir,
      RAMPART_PORT: '0',
      RAMPART_LOG_LEVEL: 'warn',
      RAMPART_RATE_LIMIT: '1000000000',
      RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
      RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'bench@example.test',
      RAMPART_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple 42',
    },
  });
  const rampart = await createRampart(config, { logger: createLogger('warn') });
  const app = await buildServer(rampart);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${app.server.address().port}`;
  try {
    const call = async (method, url, token, body) => {
      const response = await fetch(`${base}${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
      return text === '' ? undefined : JSON.parse(text);
    };
    const { access_token: adminToken } = await call('POST', '/api/v1/auth/login', undefined, {
      email: 'bench@example.test',
      password: 'correct horse battery staple 42',
    });
    const password = 'a bench owner passphrase nobody guesses 9';
    await call('POST', '/api/v1/users', adminToken, { email: 'owner@example.test', password });
    const { access_token: token } = await call('POST', '/api/v1/auth/login', undefined, { email: 'owner@example.test', password });
    await call('POST', '/api/v1/orgs', token, { name: 'Bench', slug: 'bench' });
    let next = 0;
    let lastBundle;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = next++; i < ops; i = next++) {
          const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
          lastBundle = (await call('POST', '/api/v1/orgs/bench/artifacts/sign', token, { digest, name: `a${i}` })).bundle;
        }
      }),
    );
    const signs = rate(ops, started);
    if (lastBundle === undefined || lastBundle.inclusion_proof.tree_size <= lastBundle.log_index)
      throw new Error('a bundle was not complete');
    return { sign: signs };
  } finally {
    await app.close();
    await rampart.close();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
}

export async function runSigningBench(log) {
  const ops = env('BENCH_SIGNING_OPS', 20_000);
  const httpOps = env('BENCH_SIGNING_HTTP_OPS', 1_000);
  const connections = env('BENCH_SIGNING_CONNECTIONS', 8);
  const problems = [];
  const { pae } = await dist('signing/verifier/index.js');
  const { canonicalJson } = await dist('kernel/crypto/canonical-json.js');
  const message = pae('application/vnd.in-toto+json', Buffer.from(canonicalJson(statement), 'utf8'));
  log(`  raw Ed25519 and DSSE envelopes, ${ops.toLocaleString('en-US')} ops of ${message.length} bytes`);
  const ring = await keyring();
  await ring.sign('artifacts', message); // the key is made and unwrapped once, outside the timing
  const rounds = 5;
  const r = { sign: 0, verify: 0 };
  const e = { sign: 0, verify: 0 };
  for (let round = 0; round < rounds; round += 1) {
    const a = raw(Math.ceil(ops / rounds), message);
    const b = await envelopes(Math.ceil(ops / rounds), ring);
    r.sign = Math.max(r.sign, a.sign);
    r.verify = Math.max(r.verify, a.verify);
    e.sign = Math.max(e.sign, b.sign);
    e.verify = Math.max(e.verify, b.verify);
  }
  log(`  HTTP API, ${httpOps.toLocaleString('en-US')} signatures, ${connections} connections`);
  let api = { sign: Number.NaN };
  try {
    api = await http(httpOps, connections);
  } catch (error) {
    problems.push(`HTTP run failed: ${error.message}`);
  }
  const rows = [
    { label: 'raw Ed25519 crypto.sign (PAE bytes)', value: r.sign, detail: 'ops/s' },
    { label: 'raw Ed25519 crypto.verify (PAE bytes)', value: r.verify, detail: 'ops/s' },
    { label: 'DSSE envelope sign in process', value: e.sign, detail: 'ops/s, statement JSON + PAE + keyring' },
    { label: 'DSSE envelope verify in process', value: e.verify, detail: 'ops/s, verifier module, pinned JWKS' },
    { label: 'POST /artifacts/sign over HTTP', value: api.sign, detail: `req/s, ${connections} connections, audit entry + bundle` },
  ];
  const ratios = [
    { label: 'envelope sign / raw sign', value: e.sign / r.sign, goal: '≥ 0.8', met: e.sign / r.sign >= 0.8 },
    { label: 'envelope verify / raw verify', value: e.verify / r.verify, goal: '≥ 0.8', met: e.verify / r.verify >= 0.8 },
    { label: 'HTTP sign (with bundle) / raw sign', value: api.sign / r.sign, goal: 'measured', met: true },
  ];
  return { rows, ratios, problems, valid: problems.length === 0 };
}

export function describeSigning(result) {
  const lines = ['', 'measure'.padEnd(52) + 'value'.padStart(14) + '  detail'];
  for (const row of result.rows)
    lines.push(row.label.padEnd(52) + Math.round(row.value).toLocaleString('en-US').padStart(14) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(52) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios)
    lines.push(
      ratio.label.padEnd(52) +
        ratio.value.toFixed(3).padStart(12) +
        `  ${ratio.goal}${ratio.goal === 'measured' ? '' : ratio.met ? ' met' : ' NOT met'}`,
    );
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runSigningBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeSigning(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
