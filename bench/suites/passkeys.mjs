/**
 * Passkeys (issue 18): the cost of verifying one WebAuthn assertion the way Rampart does
 * (`passkeys/crypto/webauthn.ts`: @simplewebauthn/server with the RP ID, origins and user
 * verification fixed) against its named peers measured in the same run, interleaved in 5 rounds,
 * the best of each kept:
 * - `simplewebauthn`: the library's `verifyAuthenticationResponse` called directly with the same
 *   response (the wrapper's overhead is the difference; goal ≥ 0.9×);
 * - `node:crypto ES256`: the P-256 signature check alone over the same bytes (the floor: what
 *   parsing the client data and authenticator data and checking the rules add on top; measured).
 * In-process, after `npm run build`; BENCH_PASSKEYS_OPS (default 2,000) assertions per round.
 */
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const OPS = process.env.BENCH_PASSKEYS_OPS === undefined ? 2000 : Number(process.env.BENCH_PASSKEYS_OPS);
const RP = Object.freeze({ id: 'rampart.bench', name: 'Rampart', origins: ['https://rampart.bench'] });
const GOAL = 0.9;

const sha256 = (data) => createHash('sha256').update(data).digest();
const b64 = (data) => Buffer.from(data).toString('base64url');

/** One credential and `count` assertions of it (counters 1…count), each with its own challenge. */
function assertions(count) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const cose = isoCBOR.encode(
    new Map([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x, 'base64url')],
      [-3, Buffer.from(jwk.y, 'base64url')],
    ]),
  );
  const credential = { credentialId: b64(Buffer.alloc(16, 7)), publicKey: b64(cose), transports: ['internal'] };
  const items = [];
  for (let i = 1; i <= count; i += 1) {
    const challenge = b64(sha256(`challenge ${i}`));
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: RP.origins[0], crossOrigin: false }));
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i);
    const authData = Buffer.concat([sha256(RP.id), Buffer.from([0x05]), counter]);
    const signed = Buffer.concat([authData, sha256(clientData)]);
    const signature = sign('sha256', signed, privateKey);
    items.push({
      challenge,
      signed,
      signature,
      response: {
        id: credential.credentialId,
        rawId: credential.credentialId,
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON: b64(clientData), authenticatorData: b64(authData), signature: b64(signature) },
      },
    });
  }
  return { credential, publicKey, cose, items };
}

async function timed(items, verifyOne) {
  const started = process.hrtime.bigint();
  for (const item of items) if (!(await verifyOne(item))) throw new Error('an assertion did not verify');
  return items.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function runPasskeysBench(log) {
  const { verifyAssertion } = await dist('passkeys/crypto/webauthn.js');
  const { credential, publicKey, cose, items } = assertions(OPS);
  const contenders = {
    rampart: async (item) => (await verifyAssertion(RP, item.response, item.challenge, credential)).ok,
    simplewebauthn: async (item) =>
      (
        await verifyAuthenticationResponse({
          response: item.response,
          expectedChallenge: item.challenge,
          expectedOrigin: RP.origins,
          expectedRPID: RP.id,
          credential: { id: credential.credentialId, publicKey: cose, counter: 0 },
          requireUserVerification: true,
        })
      ).verified,
    'node:crypto ES256': async (item) => verify('sha256', item.signed, publicKey, item.signature),
  };
  const best = Object.fromEntries(Object.keys(contenders).map((name) => [name, 0]));
  for (let round = 1; round <= 5; round += 1) {
    for (const [name, verifyOne] of Object.entries(contenders)) best[name] = Math.max(best[name], await timed(items, verifyOne));
    log(
      `round ${round}: ${Object.entries(best)
        .map(([name, rate]) => `${name} ${Math.round(rate)}/s`)
        .join(', ')}`,
    );
  }
  const rows = Object.entries(best).map(([label, value]) => ({
    label: `${label} assertions verified/s`,
    value,
    detail: `best of 5 rounds of ${OPS}`,
  }));
  const vsLibrary = best.rampart / best.simplewebauthn;
  const ratios = [
    { label: 'rampart / simplewebauthn', value: vsLibrary, goal: `>= ${GOAL}`, met: vsLibrary >= GOAL },
    {
      label: 'rampart / node:crypto ES256 (signature alone)',
      value: best.rampart / best['node:crypto ES256'],
      goal: 'measured',
      met: true,
    },
  ];
  const problems = vsLibrary >= GOAL ? [] : [`the wrapper runs at ${vsLibrary.toFixed(3)}x the library, below ${GOAL}x`];
  return { rows, ratios, problems, valid: problems.length === 0 };
}

export function describePasskeys(result) {
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

export default {
  name: 'passkeys',
  title: 'Passkeys: WebAuthn assertion verification vs @simplewebauthn/server and a bare ES256 check',
  async run(_settings, _generator, log) {
    const result = await runPasskeysBench(log);
    return { name: 'passkeys', title: this.title, ...result };
  },
  describe: describePasskeys,
};
