/**
 * The SSRF guard's cost per delivery (issue 15; goal < 50 µs when the resolver has the address
 * cached), one run, in process, nothing sent anywhere:
 *
 * - `new URL()` of the same URL — the floor every check pays, the reference;
 * - `checkUrl` of an IP-literal public URL (no lookup);
 * - `checkUrl` of a name through an in-memory resolver answering two public addresses (IPv4 and
 *   IPv6), every address classified;
 * - `checkUrl` of `localhost` through the system resolver (`systemResolver`, its cache warm) with
 *   loopback allow-listed — the path of a delivery to an internal receiver;
 * - `classifyAddress` alone.
 *
 * `node bench/webhooks-ssrf.mjs` after `npm run build`; `npm run bench -- webhooks-ssrf` in the
 * harness. Knob: BENCH_SSRF_OPS (checks per measure, default 200,000).
 */
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const OPS = process.env.BENCH_SSRF_OPS === undefined ? 200_000 : Number(process.env.BENCH_SSRF_OPS);

async function measure(ops, work) {
  for (let i = 0; i < Math.min(ops, 5_000); i += 1) await work(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i += 1) await work(i);
  const ns = Number(process.hrtime.bigint() - started);
  return { perSecond: ops / (ns / 1e9), microseconds: ns / ops / 1000 };
}

export async function runSsrfBench(log) {
  const { checkUrl, classifyAddress } = await dist('kernel/net/ssrf-guard.js');
  const { systemResolver } = await dist('kernel/net/outbound-policy.js');
  const problems = [];
  const policy = { allowCidrs: [], ports: [80, 443] };
  const internal = { allowCidrs: ['127.0.0.0/8', '::1/128'], ports: [80, 443] };
  const answers = ['93.184.215.14', '2606:4700:4700::1111'];
  const memory = { lookup: () => Promise.resolve(answers) };
  const cached = systemResolver({ cacheMs: 3_600_000 });
  const warm = await checkUrl('https://localhost/hook', internal, cached);
  if (!warm.ok) problems.push(`localhost with loopback allow-listed was refused: ${warm.reason}`);
  const checks = [
    ['https://93.184.215.14/hooks/rampart', policy, memory],
    ['https://hooks.example.net/rampart', policy, memory],
    ['https://localhost/hook', internal, cached],
  ];
  for (const [url, p, r] of checks) {
    const verdict = await checkUrl(url, p, r);
    if (!verdict.ok) problems.push(`${url} was refused: ${verdict.reason}`);
  }
  log(`  SSRF guard, ${OPS.toLocaleString('en-US')} checks per measure`);
  const parse = await measure(OPS, () => new URL('https://hooks.example.net/rampart'));
  const literal = await measure(OPS, () => checkUrl(checks[0][0], policy, memory));
  const named = await measure(OPS, () => checkUrl(checks[1][0], policy, memory));
  const system = await measure(OPS, () => checkUrl(checks[2][0], internal, cached));
  const classify = await measure(OPS, (i) => classifyAddress(i % 2 === 0 ? answers[0] : answers[1]));
  const rows = [
    { label: 'new URL() (reference)', value: parse.perSecond, detail: `${parse.microseconds.toFixed(2)} µs each` },
    { label: 'checkUrl, IP literal', value: literal.perSecond, detail: `${literal.microseconds.toFixed(2)} µs each` },
    { label: 'checkUrl, name → 2 public addresses (memory)', value: named.perSecond, detail: `${named.microseconds.toFixed(2)} µs each` },
    {
      label: 'checkUrl, localhost via systemResolver (cached)',
      value: system.perSecond,
      detail: `${system.microseconds.toFixed(2)} µs each`,
    },
    { label: 'classifyAddress', value: classify.perSecond, detail: `${classify.microseconds.toFixed(2)} µs each` },
  ];
  const worst = Math.max(literal.microseconds, named.microseconds, system.microseconds);
  const ratios = [
    { label: 'worst checkUrl, µs per delivery', value: worst, goal: '< 50', met: worst < 50 },
    { label: 'checkUrl (name) / new URL() time', value: named.microseconds / parse.microseconds, goal: 'measured', met: true },
  ];
  return { rows, ratios, problems, valid: problems.length === 0 };
}

export function describeSsrf(result) {
  const lines = ['', 'measure (per second)'.padEnd(52) + 'value'.padStart(14) + '  detail'];
  for (const row of result.rows)
    lines.push(row.label.padEnd(52) + Math.round(row.value).toLocaleString('en-US').padStart(14) + `  ${row.detail}`);
  lines.push('', 'figure'.padEnd(52) + 'value'.padStart(12) + '  goal');
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
  const result = await runSsrfBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeSsrf(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
