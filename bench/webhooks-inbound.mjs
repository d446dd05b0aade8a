/**
 * Inbound webhook verification (issue 15 item 4), one run, in process: verifications per second
 * of Rampart's Standard Webhooks check (`webhooks/inbound/crypto/hook-signatures.ts`) against the
 * reference implementation's own `Webhook.verify` (the `standardwebhooks` package) on the same
 * messages, interleaved in 5 rounds (best of each kept); and Rampart's Stripe check. The
 * reference's verify also parses the JSON body; Rampart parses it after verifying, so the
 * Rampart figure includes the same parse (secure-json-parse) to compare like with like.
 *
 * `node bench/webhooks-inbound.mjs` after `npm run build`; `npm run bench -- webhooks-inbound`.
 * Knobs: BENCH_INBOUND_OPS (verifications per measure, default 100,000), BENCH_INBOUND_SIZE
 * (body bytes, default 1,024).
 */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import sjson from 'secure-json-parse';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

function rate(ops, work) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i += 1) work(i);
  return ops / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function runInboundBench(log) {
  const { standardWebhooksKey, stripeKey, verifyStandardWebhooks, verifyStripe } = await dist('webhooks/inbound/crypto/hook-signatures.js');
  const ops = env('BENCH_INBOUND_OPS', 100_000);
  const size = env('BENCH_INBOUND_SIZE', 1024);
  const problems = [];
  const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
  const reference = new Webhook(secret);
  const key = standardWebhooksKey(secret);
  const now = Math.floor(Date.now() / 1000);
  const messages = Array.from({ length: 64 }, (_, n) => {
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: `in_${n}`, pad: 'x'.repeat(Math.max(0, size - 60)) } });
    const id = `msg_${n}`;
    return {
      body,
      bytes: Buffer.from(body),
      headers: { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': reference.sign(id, new Date(now * 1000), body) },
    };
  });
  const stripeSecret = 'whsec_bench_stripe';
  const sKey = stripeKey(stripeSecret);
  const stripeMessages = messages.map((m) => ({
    bytes: m.bytes,
    headers: { 'stripe-signature': `t=${now},v1=${createHmac('sha256', stripeSecret).update(`${now}.${m.body}`).digest('hex')}` },
  }));
  for (const m of messages) {
    if (!verifyStandardWebhooks([key], m.headers, m.bytes, now, 300).ok) problems.push('a reference-signed message did not verify');
  }
  const ours = (i) => {
    const m = messages[i % messages.length];
    if (!verifyStandardWebhooks([key], m.headers, m.bytes, now, 300).ok) throw new Error('refused');
    sjson.parse(m.body, null, { protoAction: 'remove', constructorAction: 'remove' });
  };
  const theirs = (i) => {
    const m = messages[i % messages.length];
    reference.verify(m.body, m.headers);
  };
  const stripe = (i) => {
    const m = stripeMessages[i % stripeMessages.length];
    if (!verifyStripe([sKey], m.headers, m.bytes, now, 300).ok) throw new Error('refused');
  };
  log(`  inbound verification, ${ops.toLocaleString('en-US')} per measure, ${size}-byte bodies`);
  let best = { ours: 0, theirs: 0, stripe: 0 };
  for (let round = 0; round < 5; round += 1) {
    const per = Math.ceil(ops / 5);
    best = {
      ours: Math.max(best.ours, rate(per, ours)),
      theirs: Math.max(best.theirs, rate(per, theirs)),
      stripe: Math.max(best.stripe, rate(per, stripe)),
    };
  }
  const rows = [
    { label: 'standardwebhooks Webhook.verify (reference)', value: best.theirs, detail: 'verifications/s' },
    { label: 'Rampart Standard Webhooks verify + JSON parse', value: best.ours, detail: 'verifications/s' },
    { label: 'Rampart Stripe-Signature verify', value: best.stripe, detail: 'verifications/s' },
  ];
  const ratios = [{ label: 'Rampart / reference verify', value: best.ours / best.theirs, goal: 'measured', met: true }];
  return { rows, ratios, problems, valid: problems.length === 0 };
}

export function describeInbound(result) {
  const lines = ['', 'measure'.padEnd(52) + 'value'.padStart(14) + '  detail'];
  for (const row of result.rows)
    lines.push(row.label.padEnd(52) + Math.round(row.value).toLocaleString('en-US').padStart(14) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(52) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios) lines.push(ratio.label.padEnd(52) + ratio.value.toFixed(3).padStart(12) + `  ${ratio.goal}`);
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runInboundBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeInbound(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
