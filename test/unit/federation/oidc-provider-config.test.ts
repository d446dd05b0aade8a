/**
 * Issue 17 item 2: providers configured per deployment (RAMPART_OIDC_PROVIDERS), the five presets,
 * and the one rule of what counts as a verified email at each kind of provider.
 */
import { describe, expect, it } from 'vitest';
import { parseProviders } from '../../../src/federation/oidc/domain/oidc-provider-config.js';
import { mappedProfile } from '../../../src/federation/oidc/domain/external-profile.js';

const SECRET = 'very-secret-client-secret';

describe('federation 2: provider configuration', () => {
  it('federation 2: the presets fill in the real endpoints of Google, GitHub, GitLab, Bitbucket and LinkedIn', () => {
    const providers = parseProviders(
      JSON.stringify(
        Object.fromEntries(
          ['google', 'github', 'gitlab', 'bitbucket', 'linkedin'].map((p) => [p, { preset: p, client_id: 'id', client_secret: SECRET }]),
        ),
      ),
    );
    const byName = Object.fromEntries(providers.map((p) => [p.name, p]));
    expect(byName.google).toMatchObject({
      kind: 'oidc',
      issuer: 'https://accounts.google.com',
      endpoints: undefined,
      scopes: ['openid', 'email', 'profile'],
    });
    expect(byName.gitlab).toMatchObject({ kind: 'oidc', issuer: 'https://gitlab.com' });
    expect(byName.linkedin).toMatchObject({ kind: 'oidc', issuer: 'https://www.linkedin.com/oauth', tokenAuth: 'client_secret_post' });
    expect(byName.github).toMatchObject({
      kind: 'oauth2',
      endpoints: { authorization: 'https://github.com/login/oauth/authorize', token: 'https://github.com/login/oauth/access_token' },
      profile: {
        userUrl: 'https://api.github.com/user',
        subjectField: 'id',
        emails: { url: 'https://api.github.com/user/emails', style: 'github' },
      },
    });
    expect(byName.bitbucket).toMatchObject({
      kind: 'oauth2',
      profile: { userUrl: 'https://api.bitbucket.org/2.0/user', subjectField: 'uuid', emails: { style: 'bitbucket' } },
    });
    // A self-managed GitLab overrides the preset's issuer.
    const [own] = parseProviders(JSON.stringify({ gl: { preset: 'gitlab', issuer: 'https://git.example.test', client_id: 'x' } }));
    expect(own).toMatchObject({ issuer: 'https://git.example.test', clientSecret: undefined, tokenAuth: 'none' });
  });

  it('federation 2: a malformed provider fails at startup naming the field, never the secret', () => {
    const cases: Record<string, unknown>[] = [
      { issuer: 'not a url', client_id: 'x', client_secret: SECRET },
      { issuer: 'https://idp.example.test', client_secret: SECRET },
      { issuer: 'https://idp.example.test', client_id: 'x', client_secret: SECRET, surprise: true },
      { kind: 'oauth2', issuer: 'https://idp.example.test', client_id: 'x', client_secret: SECRET },
      { preset: 'myspace', client_id: 'x', client_secret: SECRET },
      { issuer: 'https://user:pw@idp.example.test', client_id: 'x', client_secret: SECRET },
    ];
    for (const entry of cases) {
      let message = '';
      try {
        parseProviders(JSON.stringify({ bad: entry }));
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('provider "bad"');
      expect(message).not.toContain(SECRET);
    }
    expect(() => parseProviders(JSON.stringify({ 'Bad Name': { issuer: 'https://x.test', client_id: 'x' } }))).toThrow(/name/);
    expect(() => parseProviders('[1]')).toThrow();
  });
});

describe('federation 2: what counts as a verified email', () => {
  const oidc = { subjectField: 'sub', emailField: 'email', nameField: 'name', emailVerifiedField: 'email_verified' };

  it('federation 2: OIDC: only email_verified true', () => {
    expect(mappedProfile({ sub: 's', email: 'A@X.test', email_verified: true }, oidc, undefined)).toEqual({
      subject: 's',
      email: 'a@x.test',
      emailVerified: true,
      name: null,
    });
    expect(mappedProfile({ sub: 's', email: 'a@x.test', email_verified: false }, oidc, undefined).emailVerified).toBe(false);
    expect(mappedProfile({ sub: 's', email: 'a@x.test' }, oidc, undefined).emailVerified).toBe(false);
    expect(mappedProfile({ sub: 's', email: 'a@x.test', email_verified: 'yes' }, oidc, undefined).emailVerified).toBe(false);
    expect(() => mappedProfile({ email: 'a@x.test' }, oidc, undefined)).toThrow();
  });

  it('federation 2: GitHub: only the primary /user/emails entry with verified true; the numeric id is the subject', () => {
    const github = { subjectField: 'id', emailField: 'email', nameField: 'name', emailVerifiedField: undefined };
    const user = { id: 42, login: 'octo', email: 'public@x.test', name: 'Octo' };
    const verified = mappedProfile(user, github, {
      style: 'github',
      body: [
        { email: 'other@x.test', primary: false, verified: true },
        { email: 'Primary@x.test', primary: true, verified: true },
      ],
    });
    expect(verified).toEqual({ subject: '42', email: 'primary@x.test', emailVerified: true, name: 'Octo' });
    const unverified = mappedProfile(user, github, {
      style: 'github',
      body: [{ email: 'primary@x.test', primary: true, verified: false }],
    });
    expect(unverified).toEqual({ subject: '42', email: 'public@x.test', emailVerified: false, name: 'Octo' });
  });

  it('federation 2: Bitbucket: only the primary /2.0/user/emails value with is_confirmed true', () => {
    const bitbucket = { subjectField: 'uuid', emailField: 'email', nameField: 'display_name', emailVerifiedField: undefined };
    const user = { uuid: '{abc}', display_name: 'B' };
    expect(
      mappedProfile(user, bitbucket, {
        style: 'bitbucket',
        body: { values: [{ email: 'b@x.test', is_primary: true, is_confirmed: true }] },
      }),
    ).toEqual({
      subject: '{abc}',
      email: 'b@x.test',
      emailVerified: true,
      name: 'B',
    });
    expect(
      mappedProfile(user, bitbucket, {
        style: 'bitbucket',
        body: { values: [{ email: 'b@x.test', is_primary: true, is_confirmed: false }] },
      }),
    ).toEqual({
      subject: '{abc}',
      email: null,
      emailVerified: false,
      name: 'B',
    });
  });
});
