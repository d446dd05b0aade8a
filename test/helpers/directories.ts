/**
 * The real directories the federation 3/4 suites run against: an OpenLDAP slapd seeded from
 * test/fixtures/ldap/seed.ldif, and the PAM stack with a local test user. `scripts/services.sh`
 * starts slapd for `.ci/run` (start_slapd, exporting TEST_LDAP_*) and creates the PAM user
 * (ensure_pam_user); without TEST_LDAP_URL this helper starts its own throwaway slapd with the same
 * script (test/fixtures/ldap/start-slapd.sh) when slapd is installed. Absent, the suites skip
 * loudly — except under CI=true, where they fail.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const IN_CI = process.env.CI === 'true';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ldap');

export interface Slapd {
  readonly url: string;
  readonly baseDn: string;
  readonly groupBaseDn: string;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly rootDn: string;
  readonly rootPassword: string;
  stop(): void;
}

function absent(service: string, why: string): undefined {
  if (IN_CI) throw new Error(`${service} is required under CI=true but is not available (${why})`);
  process.stderr.write(`\n!!! ${service} is not available (${why}): its tests are SKIPPED. Run \`bash .ci/run\` to start it.\n\n`);
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function fromEnv(env: Record<string, string | undefined>, stop: () => void): Slapd | undefined {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${name} is not set`);
    return value;
  };
  return {
    url: need('TEST_LDAP_URL'),
    baseDn: need('TEST_LDAP_BASE_DN'),
    groupBaseDn: need('TEST_LDAP_GROUP_BASE_DN'),
    bindDn: need('TEST_LDAP_BIND_DN'),
    bindPassword: need('TEST_LDAP_BIND_PASSWORD'),
    rootDn: need('TEST_LDAP_ROOT_DN'),
    rootPassword: need('TEST_LDAP_ROOT_PASSWORD'),
    stop,
  };
}

/** The suite's slapd: `.ci/run`'s (TEST_LDAP_URL), else a throwaway one; `undefined` (skip) when neither can be had. */
export async function slapd(): Promise<Slapd | undefined> {
  if (process.env.TEST_LDAP_URL !== undefined) return fromEnv(process.env, () => undefined);
  if (!existsSync('/usr/sbin/slapd')) return absent('OpenLDAP slapd', 'not installed; scripts/services.sh ensure_directories installs it');
  const dir = mkdtempSync(join(tmpdir(), 'rampart-slapd-'));
  try {
    const out = execFileSync('bash', [join(FIXTURES, 'start-slapd.sh'), dir, String(await freePort())], { encoding: 'utf8' });
    const env = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return fromEnv(env, () => {
      try {
        process.kill(Number(readFileSync(join(dir, 'slapd.pid'), 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return absent('OpenLDAP slapd', error instanceof Error ? error.message : 'did not start');
  }
}

/** The PAM test user `scripts/services.sh` ensure_pam_user creates, and its service name. */
export interface PamUser {
  readonly service: string;
  readonly username: string;
  readonly password: string;
}

export const PAM_TEST_SERVICE = 'rampart-test';
export const PAM_TEST_USER = 'rampart-pam-test';
export const PAM_PASSWORD_FILE = '/etc/rampart-test/pam-password';

/** The PAM test user, or `undefined` (skip) when services.sh has not created it. */
export function pamUser(): PamUser | undefined {
  if (!existsSync('/usr/bin/pamtester')) return absent('pamtester', 'not installed; scripts/services.sh ensure_directories installs it');
  if (!existsSync(`/etc/pam.d/${PAM_TEST_SERVICE}`) || !existsSync(PAM_PASSWORD_FILE)) {
    return absent('the PAM test user', 'run `source scripts/services.sh; ensure_pam_user` as root');
  }
  return { service: PAM_TEST_SERVICE, username: PAM_TEST_USER, password: readFileSync(PAM_PASSWORD_FILE, 'utf8').trim() };
}
