/**
 * The dependency-free verifier (`src/signing/verifier/`) against published vectors and one-byte
 * changes: DSSE PAE and signatures (secure-systems-lab/dsse protocol.md vectors, copied with their
 * source into test/fixtures/vectors/dsse.json), RFC 9162 inclusion proofs (transparency-dev/merkle
 * vectors), the C2SP signed-note example, and the in-toto statement's digest check.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkEnvelope,
  openCheckpointNote,
  openSignedNote,
  pae,
  parseLogKey,
  parseStatement,
  statementNamesDigest,
  verifyHmacEnvelope,
  verifyInclusion,
  type DsseEnvelope,
  type PublicJwk,
} from '../../../src/signing/verifier/index.js';
import { hmacPae } from '../../../src/signing/verifier/crypto/hmac-envelope.js';
import { signNote, vkeyOf } from '../../helpers/signing-notes.js';

interface DsseCase {
  readonly id: string;
  readonly expect: 'valid' | 'invalid';
  readonly payloadType: string;
  readonly payload_utf8: string;
  readonly pae_hex?: string;
  readonly envelope: DsseEnvelope;
}

const dsse = JSON.parse(readFileSync(new URL('../../fixtures/vectors/dsse.json', import.meta.url), 'utf8')) as {
  readonly source: string;
  readonly key: { readonly jwk_public: PublicJwk; readonly jwk_private: Record<string, string> };
  readonly cases: readonly DsseCase[];
};
const merkle = JSON.parse(readFileSync(new URL('../../fixtures/vectors/rfc9162-merkle.json', import.meta.url), 'utf8')) as {
  readonly inclusion: readonly {
    leafIdx: number;
    treeSize: number;
    root: string;
    leafHash: string;
    proof: string[];
    desc: string;
    wantErr: boolean;
  }[];
  readonly signed_note_example: { readonly vkey: string; readonly note_text: string; readonly signed_note: string };
};

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

describe('DSSE vectors (signing 3)', () => {
  it('signing 3: the vectors file keeps its source', () => {
    expect(dsse.source).toMatch(/secure-systems-lab\/dsse/);
  });

  for (const vector of dsse.cases) {
    it(`signing 3: DSSE vector ${vector.id} is ${vector.expect}`, () => {
      if (vector.pae_hex !== undefined) {
        expect(pae(vector.payloadType, Buffer.from(vector.payload_utf8, 'utf8')).toString('hex')).toBe(vector.pae_hex);
      }
      const result = checkEnvelope(vector.envelope, [{ ...dsse.key.jwk_public, kid: '' }]);
      expect(result.ok).toBe(vector.expect === 'valid');
    });
  }

  it('signing 3: a signature naming an unpublished key id is refused as an unknown key', () => {
    const valid = dsse.cases.find((vector) => vector.expect === 'valid');
    const envelope = { ...valid!.envelope, signatures: valid!.envelope.signatures.map((entry) => ({ ...entry, keyid: 'not-published' })) };
    expect(checkEnvelope(envelope, [{ ...dsse.key.jwk_public, kid: 'published' }])).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('signing 3: an Ed25519 envelope verifies, and a payload, type or signature changed by one byte does not', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'art_test' } as PublicJwk;
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const type = 'application/vnd.in-toto+json';
    const sig = sign(null, pae(type, payload), privateKey).toString('base64');
    const envelope: DsseEnvelope = { payload: payload.toString('base64'), payloadType: type, signatures: [{ keyid: 'art_test', sig }] };
    expect(checkEnvelope(envelope, [jwk]).ok).toBe(true);
    const changed = Buffer.from(payload);
    changed[5] = (changed[5] ?? 0) ^ 1;
    expect(checkEnvelope({ ...envelope, payload: changed.toString('base64') }, [jwk])).toEqual({ ok: false, reason: 'signature_invalid' });
    expect(checkEnvelope({ ...envelope, payloadType: 'application/vnd.in-toto+jsoN' }, [jwk])).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
    const flipped = b64(sig);
    flipped[63] = (flipped[63] ?? 0) ^ 1;
    expect(checkEnvelope({ ...envelope, signatures: [{ keyid: 'art_test', sig: flipped.toString('base64') }] }, [jwk]).ok).toBe(false);
    expect(checkEnvelope({ ...envelope, payload: 'not base64!' }, [jwk])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('signing 2: an HMAC-SHA256 envelope verifies with its key only', () => {
    const key = Buffer.alloc(32, 7);
    const payload = Buffer.from('statement');
    const envelope: DsseEnvelope = {
      payload: payload.toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ keyid: 'hmac:org_1:1', sig: hmacPae(key, 'application/vnd.in-toto+json', payload).toString('base64') }],
    };
    expect(verifyHmacEnvelope(envelope, 'hmac:org_1:1', key)).toBe(true);
    expect(verifyHmacEnvelope(envelope, 'hmac:org_1:1', Buffer.alloc(32, 8))).toBe(false);
    expect(verifyHmacEnvelope(envelope, 'hmac:org_2:1', key)).toBe(false);
  });
});

describe('RFC 9162 inclusion vectors (signing 3)', () => {
  for (const vector of merkle.inclusion) {
    it(`signing 3: inclusion ${vector.desc} (${vector.leafIdx}/${vector.treeSize}) ${vector.wantErr ? 'is refused' : 'verifies'}`, () => {
      const ok = verifyInclusion(vector.leafIdx, vector.treeSize, b64(vector.leafHash), vector.proof.map(b64), b64(vector.root));
      expect(ok).toBe(!vector.wantErr);
    });
  }
});

describe('C2SP signed notes (signing 3)', () => {
  it('signing 3: the signed-note example opens with its vkey, and not with another key', () => {
    const key = parseLogKey(merkle.signed_note_example.vkey);
    expect(key).toBeDefined();
    expect(openSignedNote(merkle.signed_note_example.signed_note, key!)).toBe(merkle.signed_note_example.note_text);
    const changed = merkle.signed_note_example.signed_note.replace('example message', 'example messagE');
    expect(openSignedNote(changed, key!)).toBeUndefined();
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const other = parseLogKey(vkeyOf('example.com/foo', raw));
    expect(other).toBeDefined();
    expect(openSignedNote(merkle.signed_note_example.signed_note, other!)).toBeUndefined();
    expect(parseLogKey('example.com/foo+00000000+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toBeUndefined();
  });

  it('signing 3: a checkpoint opens only with the key of its origin', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const key = parseLogKey(vkeyOf('log.example/rampart/audit', raw))!;
    const root = Buffer.alloc(32, 1).toString('base64');
    const note = signNote(`log.example/rampart/audit\n7\n${root}\n`, 'log.example/rampart/audit', raw, privateKey);
    expect(openCheckpointNote(note, key)).toEqual({ origin: 'log.example/rampart/audit', size: 7, rootHash: Buffer.alloc(32, 1) });
    const foreign = signNote(`other.example/log\n7\n${root}\n`, 'log.example/rampart/audit', raw, privateKey);
    expect(openCheckpointNote(foreign, key)).toBeUndefined();
  });
});

describe('in-toto statements (signing 3)', () => {
  it('signing 3: the digest must be a subject of an in-toto Statement v1', () => {
    const hex = 'ab'.repeat(32);
    const statement = parseStatement(
      Buffer.from(
        JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a', digest: { sha256: hex } }], predicateType: 'x' }),
      ),
    );
    expect(statement && statementNamesDigest(statement, hex)).toBe(true);
    expect(statement && statementNamesDigest(statement, `${'ab'.repeat(31)}ac`)).toBe(false);
    expect(
      parseStatement(Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [], predicateType: 'x' }))),
    ).toBeUndefined();
  });
});
