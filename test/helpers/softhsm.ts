/**
 * A real SoftHSM2 token for the PKCS#11 tests, self-contained in a temporary directory: its own
 * `softhsm2.conf` (SOFTHSM2_CONF) and token store, initialised with `softhsm2-util --init-token`.
 * Without SoftHSM2 the suites skip with a loud message — except under CI=true, where `.ci/run`
 * installs it (scripts/services.sh) and its absence fails the run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MODULES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
];

export interface SoftHsmToken {
  readonly module: string;
  readonly conf: string;
  readonly label: string;
  readonly pin: string;
  /** RAMPART_* variables selecting this token as the KEK source, plus SOFTHSM2_CONF. */
  readonly env: Record<string, string>;
  cleanup(): void;
}

function softhsmModule(): string | undefined {
  return MODULES.find((path) => existsSync(path));
}

/** Whether SoftHSM2 is installed; under CI=true its absence throws. */
export function softhsmAvailable(): boolean {
  let util = false;
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
    util = true;
  } catch {
    util = false;
  }
  if (util && softhsmModule() !== undefined) return true;
  if (process.env.CI === 'true') throw new Error('SoftHSM2 is required under CI=true (apt-get install softhsm2) but is not installed');
  process.stderr.write('\n!!! SoftHSM2 is not installed (apt-get install softhsm2): the PKCS#11 tests are SKIPPED.\n\n');
  return false;
}

/** A fresh token in a temporary directory. Sets `process.env.SOFTHSM2_CONF` (the library reads it at C_Initialize). */
export function createSoftHsmToken(label = 'rampart-test'): SoftHsmToken {
  const module = softhsmModule();
  if (module === undefined) throw new Error('SoftHSM2 is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'rampart-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const pin = '246813579';
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '975318642'], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    stdio: 'ignore',
  });
  process.env.SOFTHSM2_CONF = conf;
  return {
    module,
    conf,
    label,
    pin,
    env: {
      SOFTHSM2_CONF: conf,
      RAMPART_KEK_SOURCE: 'pkcs11',
      RAMPART_PKCS11_MODULE: module,
      RAMPART_PKCS11_TOKEN_LABEL: label,
      RAMPART_PKCS11_PIN: pin,
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
