import { readFileSync } from 'node:fs';
import { Secret as OtpSecret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { acceptStep, generateTotpSecret, Totp, type TotpAlgorithm } from '../../../src/identity/mfa/crypto/totp.js';
import { secret } from '../../../src/kernel/domain/secret.js';
import { FakeClock } from '../../helpers/fake-clock.js';

interface Rfc6238Vectors {
  source: string;
  step_seconds: number;
  digits: number;
  secrets_ascii: Record<TotpAlgorithm, string>;
  vectors: ({ time: number } & Record<TotpAlgorithm, string>)[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/vectors/rfc6238-totp.json', import.meta.url), 'utf8')) as Rfc6238Vectors;
const ALGORITHMS: readonly TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
const code = (value: string) => secret(value);

describe('RFC 6238 Appendix B vectors', () => {
  it('has its source and all 18 vectors', () => {
    expect(fixture.source).toMatch(/RFC 6238/);
    expect(fixture.vectors.length * ALGORITHMS.length).toBe(18);
  });

  for (const vector of fixture.vectors) {
    for (const algorithm of ALGORITHMS) {
      it(`${algorithm} at T=${vector.time} is ${vector[algorithm]}, matching step floor(T/30)`, () => {
        const clock = new FakeClock(vector.time * 1000);
        const totp = new Totp({ clock, algorithm, digits: fixture.digits, periodSeconds: fixture.step_seconds, window: 0 });
        const seed = secret(OtpSecret.fromLatin1(fixture.secrets_ascii[algorithm]).base32);
        expect(totp.verify(seed, code(vector[algorithm]))).toBe(Math.floor(vector.time / fixture.step_seconds));
      });
    }
  }
});

describe('Totp', () => {
  const start = Date.UTC(2026, 0, 1, 0, 0, 15); // 15 s into a 30 s step
  const stepAt = (ms: number) => Math.floor(ms / 30_000);
  const codeAt = (seed: string, ms: number) => TOTP.generate({ secret: OtpSecret.fromBase32(seed), timestamp: ms });

  it('generates 160-bit base32 secrets, different each time', () => {
    const a = generateTotpSecret().reveal();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(OtpSecret.fromBase32(a).bytes).toHaveLength(20);
    expect(generateTotpSecret().reveal()).not.toBe(a);
    expect(JSON.stringify({ a: generateTotpSecret() })).not.toMatch(/[A-Z2-7]{32}/);
  });

  it('builds the otpauth:// URI with issuer Rampart and the email as label', () => {
    const seed = generateTotpSecret();
    const uri = new URL(new Totp({ clock: new FakeClock() }).uri(seed, 'alice@example.com').reveal());
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Rampart:alice@example.com');
    expect(uri.searchParams.get('issuer')).toBe('Rampart');
    expect(uri.searchParams.get('secret')).toBe(seed.reveal());
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });

  it('accepts the previous, current and next step and reports which one matched', () => {
    const seed = generateTotpSecret();
    const clock = new FakeClock(start);
    const totp = new Totp({ clock });
    for (const offset of [-1, 0, 1]) {
      expect(totp.verify(seed, code(codeAt(seed.reveal(), start + offset * 30_000)))).toBe(stepAt(start) + offset);
    }
    for (const offset of [-2, 2]) {
      expect(totp.verify(seed, code(codeAt(seed.reveal(), start + offset * 30_000)))).toBeNull();
    }
  });

  it('ignores spaces and refuses anything but six digits', () => {
    const seed = generateTotpSecret();
    const totp = new Totp({ clock: new FakeClock(start) });
    const current = codeAt(seed.reveal(), start);
    expect(totp.verify(seed, code(`${current.slice(0, 3)} ${current.slice(3)}`))).toBe(stepAt(start));
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345x', '１２３４５６']) {
      expect(totp.verify(seed, code(bad))).toBeNull();
    }
  });

  it('refuses a replay in the same step and an older step after a newer one', () => {
    const seed = generateTotpSecret();
    const clock = new FakeClock(start);
    const totp = new Totp({ clock });
    const first = totp.verify(seed, code(codeAt(seed.reveal(), start)));
    expect(first).not.toBeNull();
    expect(acceptStep(null, first ?? -1)).toBe(true);
    const last = first ?? -1;
    // The same code again, 10 s later, still matches the same step: the rule refuses it.
    clock.advance(10_000);
    const replay = totp.verify(seed, code(codeAt(seed.reveal(), start)));
    expect(replay).toBe(last);
    expect(acceptStep(last, replay ?? -1)).toBe(false);
    // The previous step's code is still inside the window but older than the accepted one.
    expect(acceptStep(last, last - 1)).toBe(false);
    // The next step's code is accepted.
    clock.advance(30_000);
    const next = totp.verify(seed, code(codeAt(seed.reveal(), clock.now())));
    expect(next).toBe(last + 1);
    expect(acceptStep(last, next ?? -1)).toBe(true);
  });

  it('refuses bad secrets without quoting them and bad options at construction', () => {
    const totp = new Totp({ clock: new FakeClock() });
    expect(() => totp.verify(secret('not!base32'), code('123456'))).toThrow('the TOTP secret is not valid base32');
    expect(() => totp.verify(secret('AAAAAAAA'), code('123456'))).toThrow(/128 bits/);
    expect(() => new Totp({ clock: new FakeClock(), digits: 5 })).toThrow(RangeError);
    expect(() => new Totp({ clock: new FakeClock(), window: 3 })).toThrow(RangeError);
    expect(() => new Totp({ clock: new FakeClock(), algorithm: 'MD5' as TotpAlgorithm })).toThrow(RangeError);
  });
});
