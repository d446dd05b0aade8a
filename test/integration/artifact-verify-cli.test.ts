/**
 * `rampart verify-artifact` as a release pipeline or an air-gapped host runs it (issue 16 item 3):
 * the real CLI process, the bundle and the artifact as files, the keys pinned from a saved JWKS,
 * no server and no database reachable from the process. Each forged bundle is refused offline
 * with exit 1 naming the first check that failed: a changed artifact, an unpinned key (another
 * deployment's), an inclusion proof for another entry, a checkpoint signed by an unknown key, a
 * saved checkpoint older than the entry. The keys are also fetched once from a server and saved.
 */
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactBundle, PinnedKeys } from '../../src/signing/verifier/index.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner } from '../helpers/orgs.js';
import { cleanEnv } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { signNote, vkeyOf } from '../helpers/signing-notes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function rampart(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // No RAMPART_DATABASE_URL and a fresh data directory: nothing to reach but the files.
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd,
      env: cleanEnv({ RAMPART_DATA_DIR: join(cwd, 'no-data') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ARTIFACT = Buffer.from('#!/bin/sh\necho compiled\n');
const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

// Each case spawns the CLI from source (tsx): slow on a loaded machine, hence the generous timeout.
describe('rampart verify-artifact (offline)', { timeout: 120_000 }, () => {
  let store: BackendInstance;
  let server: TestServer;
  let dir: string;
  let first: ArtifactBundle;
  let second: ArtifactBundle;
  let olderCheckpoint: string;
  let keys: PinnedKeys;
  let url: string;

  const write = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
    return path;
  };
  const verify = async (bundle: unknown, extra: readonly string[] = [], file = 'artifact.bin'): Promise<Run> =>
    rampart(['verify-artifact', '--bundle', write('bundle.json', bundle), '--file', file, '--keys', 'keys.json', '--json', ...extra], dir);
  const failed = (run: Run) => {
    expect(run.code, run.stderr).toBe(1);
    return JSON.parse(run.stdout.trim()) as { valid: boolean; check: string; reason: string };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-verify-'));
    store = await sqliteBackend.create();
    server = await testServer(store, { env: ADMIN_ENV });
    const admin = await login(server.app);
    const { org, owner } = await orgWithOwner(server.app, admin);
    // A checkpoint saved before the signatures: older than their entries.
    const checkpoint = await as(server.app, owner.grant, 'GET', '/api/v1/audit/checkpoint');
    expect(checkpoint.statusCode, checkpoint.body).toBe(200);
    olderCheckpoint = checkpoint.body;
    const signOne = async (digest: string) => {
      const response = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.slug}/artifacts/sign`, { digest, name: 'tool' });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ bundle: ArtifactBundle }>().bundle;
    };
    first = await signOne(digestOf(ARTIFACT));
    second = await signOne(digestOf(Buffer.from('another artifact')));
    keys = (await server.app.inject({ method: 'GET', url: '/api/v1/artifacts/keys' })).json<PinnedKeys>();
    write('artifact.bin', ARTIFACT);
    write('keys.json', keys);
    url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('signing 3: a genuine bundle verifies offline (exit 0, --json)', async () => {
    const run = await verify(first);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({
      valid: true,
      index: first.log_index,
      key_id: first.envelope.signatures[0]?.keyid,
    });
  });

  it('signing 3: a changed artifact and another deployment’s key are refused offline', async () => {
    write('changed.bin', Buffer.concat([ARTIFACT, Buffer.from(' ')]));
    expect(failed(await verify(first, [], 'changed.bin'))).toMatchObject({ valid: false, check: 'digest' });
    // Keys pinned from another deployment: the signature's key is not among them.
    const { publicKey } = generateKeyPairSync('ed25519');
    const foreign = {
      ...keys,
      keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'art_foreign', purpose: 'artifacts', not_before: '2020-01-01T00:00:00Z' }],
    };
    const run = await rampart(
      [
        'verify-artifact',
        '--bundle',
        write('b2.json', first),
        '--file',
        'artifact.bin',
        '--keys',
        write('foreign.json', foreign),
        '--json',
      ],
      dir,
    );
    expect(failed(run)).toMatchObject({ check: 'signature' });
  });

  it('signing 3: an inclusion proof for another entry is refused offline', async () => {
    // The first entry's envelope and leaf, with the proof (and checkpoint) of the second entry.
    const forged = { ...first, inclusion_proof: second.inclusion_proof, checkpoint: second.checkpoint };
    const proofOfOther = failed(await verify(forged));
    expect(proofOfOther.check).toBe('inclusion_proof');
    // The second entry's index and leaf with the first envelope: the leaf does not record it.
    expect(failed(await verify({ ...second, envelope: first.envelope }))).toMatchObject({ check: 'log_entry' });
  });

  it('signing 3: a checkpoint signed by an unknown key is refused offline', async () => {
    const origin = first.checkpoint.split('\n')[0] ?? '';
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const body = first.checkpoint.slice(0, first.checkpoint.indexOf('\n\n') + 1);
    const forgedNote = signNote(body, origin, raw, privateKey);
    expect(failed(await verify({ ...first, checkpoint: forgedNote }))).toMatchObject({ check: 'checkpoint' });
    // The same key pinned as the log key would accept it: the refusal is the key, not the note's form.
    expect(vkeyOf(origin, raw)).not.toBe(keys.transparency_log?.vkey);
  });

  it('signing 3: a saved checkpoint older than the entry is refused offline', async () => {
    const saved = write('saved-checkpoint.txt', olderCheckpoint);
    expect(failed(await verify(first, ['--checkpoint', saved]))).toMatchObject({ check: 'checkpoint_size' });
  });

  it('signing 1: rampart keys rotate --purpose artifacts adds a key and keeps the previous one published', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rampart-rotate-'));
    const run = (args: readonly string[]) =>
      new Promise<Run>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
          cwd: home,
          env: cleanEnv({ RAMPART_DATA_DIR: join(home, 'data'), RAMPART_LOG_LEVEL: 'warn' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr: '' }));
      });
    try {
      const first = await run(['keys', 'rotate', '--purpose', 'artifacts', '--json']);
      expect(first.code).toBe(0);
      const second = await run(['keys', 'rotate', '--purpose', 'artifacts', '--json']);
      expect(second.code).toBe(0);
      const made = JSON.parse(first.stdout.trim()) as { kid: string };
      const rotated = JSON.parse(second.stdout.trim()) as { purpose: string; kid: string; published: string[] };
      expect(rotated.purpose).toBe('artifacts');
      expect(rotated.published).toEqual([made.kid, rotated.kid]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('signing 3: the keys are fetched once from the server and saved, then pinned', async () => {
    const run = await rampart(
      ['verify-artifact', '--bundle', write('b3.json', first), '--file', 'artifact.bin', '--keys', 'fetched.json', '--keys-from', url],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^OK artifact\.bin/);
    expect(JSON.parse(readFileSync(join(dir, 'fetched.json'), 'utf8'))).toEqual(keys);
  });
});
