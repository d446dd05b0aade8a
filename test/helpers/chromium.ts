/**
 * Real Chromium for browser tests: Debian's `/usr/bin/chromium` (or TEST_CHROMIUM_PATH), driven
 * by `playwright-core` through its executable path — no downloaded browser. A suite that needs it
 * skips with a loud message when it is absent, except under CI=true, where an absent browser fails
 * the run (`.ci/run` installs it: `ensure_chromium` in scripts/services.sh).
 *
 * `virtualAuthenticator` adds a DevTools virtual authenticator (CTAP2, internal, resident keys,
 * user verification) to a page over a CDP session: WebAuthn ceremonies run for real in the
 * browser, the authenticator answering without a person.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TEST_CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true';

/** Whether the browser is installed; loud when not (and fatal under CI=true). */
export function chromiumAvailable(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    if (IN_CI) throw new Error(`Chromium is required under CI=true but ${CHROMIUM_PATH} is not executable`);
    process.stderr.write(
      `\n!!! Chromium is not installed at ${CHROMIUM_PATH}: its tests are SKIPPED. Run \`bash .ci/run\` to install it.\n\n`,
    );
    return false;
  }
}

/** Launches headless Chromium (no sandbox: the tests run as root in a container). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
}

/** A credential as the DevTools WebAuthn domain reports it (`WebAuthn.getCredentials`). */
export interface VirtualCredential {
  readonly credentialId: string;
  readonly isResidentCredential: boolean;
  readonly rpId: string;
  readonly privateKey: string;
  readonly userHandle?: string;
  readonly signCount: number;
}

/** A page's virtual authenticator: its id and the CDP session that drives it. */
export interface VirtualAuthenticator {
  readonly id: string;
  readonly cdp: CDPSession;
  credentials(): Promise<VirtualCredential[]>;
  addCredential(credential: VirtualCredential): Promise<void>;
  remove(): Promise<void>;
}

/** Adds a CTAP2 platform authenticator with resident keys and user verification to `page`. */
export async function virtualAuthenticator(page: Page, cdp?: CDPSession): Promise<VirtualAuthenticator> {
  const session = cdp ?? (await page.context().newCDPSession(page));
  await session.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId: id } = await session.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    id,
    cdp: session,
    async credentials() {
      return (await session.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials as VirtualCredential[];
    },
    async addCredential(credential) {
      await session.send('WebAuthn.addCredential', { authenticatorId: id, credential });
    },
    async remove() {
      await session.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: id });
    },
  };
}

/** A fresh browser context and page (its own storage), closed with the context. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}
