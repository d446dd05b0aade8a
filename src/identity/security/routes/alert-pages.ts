/**
 * The HTML pages of a new-device alert's links: static text and one form, nothing about the
 * account or the device (whoever holds the mail sees them; a scanner that prefetches the GET
 * learns nothing). No script, no style, no outside resource: the page's own CSP forbids them and
 * lets the form post only to this server.
 */
import type { AlertAction } from '../crypto/security-tokens.js';
import type { AlertOutcome } from '../services/new-device-alerts.js';

export const PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}

/** The page of a working link: the button that uses it (a POST to the same URL, no body). */
export function linkPage(action: AlertAction): string {
  if (action === 'confirm') {
    return page(
      'Was this you?',
      '<p>Confirm that the new sign-in to your account was you: the device will be known from now on.</p>' +
        '<form method="post" action="" enctype="text/plain"><button type="submit">This was me</button></form>',
    );
  }
  return page(
    "This wasn't me",
    '<p>Sign out the device that signed in, and get a mail to reset your password.</p>' +
      '<form method="post" action="?everywhere=false" enctype="text/plain"><button type="submit">Sign out that device</button></form>' +
      '<form method="post" action="?everywhere=true" enctype="text/plain"><button type="submit">Sign out every device</button></form>',
  );
}

/** The page after a POST, or of a link that does not work (`undefined`). */
export function outcomePage(outcome: AlertOutcome | undefined): string {
  if (outcome === undefined) return page('This link does not work', '<p>It was used already, has expired, or was never sent.</p>');
  if (outcome.action === 'confirm') return page('Thank you', '<p>The device is now known to your account.</p>');
  const reset = outcome.passwordReset
    ? '<p>We sent you a mail to reset your password: do it now.</p>'
    : '<p>Reset your password now: sign in and change it, or use "forgot password".</p>';
  return page('Signed out', `<p>${outcome.revokedSessions.length} session(s) signed out.</p>${reset}`);
}
