/**
 * `rampart verify-artifact --bundle b.json --file artifact [--keys jwks.json] [--checkpoint saved.txt]`
 * (issue 16 item 3): verifies a bundle offline — no server, no database — with the dependency-free
 * verifier (`signing/verifier/`). The keys are pinned: read from `--keys` (the JWKS of
 * `GET /api/v1/artifacts/keys`, with the log's verifier key); when that file does not exist and
 * `--keys-from <server url>` is given, they are fetched once and saved there, and every later run
 * reads the saved file. Exit 0 when every check passes; 1 naming the first check that failed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Output } from '../../kernel/cli/output.js';
import { sha256 } from '../../kernel/crypto/digest.js';
import { verifyBundle, type PinnedKeys } from '../verifier/verify-bundle.js';

export interface VerifyArtifactOptions {
  readonly bundle: string;
  readonly file: string;
  readonly keys: string;
  readonly keysFrom?: string;
  readonly checkpoint?: string;
}

type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly check: string; readonly reason: string };

function readJson(path: string, check: string): Loaded<unknown> {
  try {
    return { ok: true, value: JSON.parse(readFileSync(path, 'utf8')) as unknown };
  } catch {
    return { ok: false, check, reason: `${path} cannot be read as JSON` };
  }
}

/** The pinned keys: the saved file, or fetched once from `keysFrom` and saved (trust on first use). */
async function pinnedKeys(options: VerifyArtifactOptions, out: Output): Promise<Loaded<PinnedKeys>> {
  if (!existsSync(options.keys) && options.keysFrom !== undefined) {
    const url = new URL('/api/v1/artifacts/keys', options.keysFrom);
    try {
      const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
      if (!response.ok) return { ok: false, check: 'keys', reason: `${url.href} answered ${response.status}` };
      writeFileSync(options.keys, `${JSON.stringify(await response.json(), null, 2)}\n`, { mode: 0o644, flag: 'wx' });
      out.note(`saved the keys of ${url.origin} to ${options.keys}; later runs use that file`);
    } catch {
      return { ok: false, check: 'keys', reason: `the keys could not be fetched from ${url.href}` };
    }
  }
  const read = readJson(options.keys, 'keys');
  if (!read.ok) return read;
  const keys = read.value as Partial<PinnedKeys> | null;
  if (keys === null || typeof keys !== 'object' || !Array.isArray(keys.keys))
    return { ok: false, check: 'keys', reason: `${options.keys} is not a JWKS` };
  return { ok: true, value: keys as PinnedKeys };
}

export async function runVerifyArtifact(options: VerifyArtifactOptions, out: Output): Promise<number> {
  const fail = (check: string, reason: string): number => {
    out.result({ valid: false, check, reason }, `FAILED ${check}: ${reason}`);
    return 1;
  };
  const bundle = readJson(options.bundle, 'format');
  if (!bundle.ok) return fail(bundle.check, bundle.reason);
  let artifact: Buffer;
  try {
    artifact = readFileSync(options.file);
  } catch {
    return fail('digest', `${options.file} cannot be read`);
  }
  let checkpoint: string | undefined;
  if (options.checkpoint !== undefined) {
    try {
      checkpoint = readFileSync(options.checkpoint, 'utf8');
    } catch {
      return fail('checkpoint', `${options.checkpoint} cannot be read`);
    }
  }
  const keys = await pinnedKeys(options, out);
  if (!keys.ok) return fail(keys.check, keys.reason);
  const verdict = verifyBundle(bundle.value, {
    digest: sha256(artifact).toString('hex'),
    keys: keys.value,
    ...(checkpoint === undefined ? {} : { checkpoint }),
  });
  if (!verdict.valid) return fail(verdict.check, verdict.reason);
  out.result(
    {
      valid: true,
      key_id: verdict.keyId,
      signer: verdict.signer,
      logged_at: verdict.loggedAt,
      index: verdict.index,
      tree_size: verdict.treeSize,
    },
    `OK ${options.file}: signed by key ${verdict.keyId} for org ${verdict.signer}, logged at ${verdict.loggedAt} as entry ${verdict.index} (checkpoint size ${verdict.treeSize})`,
  );
  return 0;
}
