/**
 * `rampart audit verify --url`: a live server checked against what the auditor already trusts —
 * its current checkpoint must be signed by the verifier key, and consistent (RFC 9162 §2.1.4.2,
 * with the server's consistency proof) with every checkpoint saved earlier; a saved checkpoint
 * larger than the current tree, or of the same size with another root, is a rollback or a fork.
 */
import { hashesEqual, verifyConsistency } from '../crypto/merkle.js';
import { openCheckpoint, type Checkpoint } from '../crypto/signed-note.js';
import type { ExportFailureCode, ExportReport } from '../services/audit-export-verifier.js';
import { readSavedCheckpoints, trustedVerifier, type VerifyOptions } from './audit.js';

async function get(url: string, token: string | undefined): Promise<Response> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${new URL(url).pathname} answered ${response.status}`);
  return response;
}

// A live server's entries are not read here, so no failure names an index.
const fail = (detail: string, code: ExportFailureCode, checkpoints: number): ExportReport => ({
  ok: false,
  entries: 0,
  checkpointsVerified: checkpoints,
  failure: { code, detail, index: null },
});

export async function verifyLiveLog(options: VerifyOptions): Promise<ExportReport> {
  const base = (options.url ?? '').replace(/\/+$/, '');
  const verifier = trustedVerifier(options.vkey ?? (await (await get(`${base}/api/v1/audit/verifier-key`, undefined)).text()));
  const opened = openCheckpoint(await (await get(`${base}/api/v1/audit/checkpoint`, options.token)).text(), [verifier], verifier.name);
  if (!opened.ok) return fail(`the server's checkpoint does not verify: ${opened.code}`, 'checkpoint_invalid', 0);
  const current = opened.checkpoint;
  let verified = 1;
  for (const note of readSavedCheckpoints(options.checkpoint ?? [])) {
    const saved = openCheckpoint(note, [verifier], verifier.name);
    if (!saved.ok) return fail(`a saved checkpoint does not verify: ${saved.code}`, 'checkpoint_invalid', verified);
    const problem = await consistencyProblem(base, options.token, saved.checkpoint, current);
    if (problem !== undefined) return fail(problem, 'checkpoint_root_mismatch', verified);
    verified += 1;
  }
  // Only the checkpoint is read: the entries it covers are known, those after it are not.
  return { ok: true, entries: current.size, checkpointsVerified: verified, covered: current.size, uncovered: null };
}

async function consistencyProblem(
  base: string,
  token: string | undefined,
  saved: Checkpoint,
  current: Checkpoint,
): Promise<string | undefined> {
  if (saved.size > current.size) return `the log shrank from ${saved.size} to ${current.size} entries (rolled back)`;
  if (saved.size === current.size) {
    return hashesEqual(saved.rootHash, current.rootHash) ? undefined : `two different roots for tree size ${saved.size} (a fork)`;
  }
  if (saved.size === 0) return undefined; // RFC 9162 §2.1.4: every tree extends the empty one
  const body = (await (await get(`${base}/api/v1/audit/proof/consistency?first=${saved.size}&second=${current.size}`, token)).json()) as {
    proof?: unknown;
  };
  const proof = Array.isArray(body.proof) ? body.proof.map((h) => new Uint8Array(Buffer.from(String(h), 'base64'))) : [];
  const result = verifyConsistency(saved.size, current.size, proof, saved.rootHash, current.rootHash);
  return result.ok ? undefined : `the tree of ${current.size} does not extend the saved tree of ${saved.size} (${result.code})`;
}
