/**
 * What a security notification says about a device and a place, as pure rules: a short summary
 * of the user agent ("Firefox on Linux"), and the approximate place, which is the address itself
 * (no external service, no local GeoIP database: docs/decisions/029-new-device-alerts.md).
 */

const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//, 'curl'],
];

const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** A short, human summary of `userAgent`: "Firefox on Linux", "an unknown device" when none is given. */
export function deviceSummary(userAgent: string | null | undefined): string {
  if (userAgent === undefined || userAgent === null || userAgent.trim() === '') return 'an unknown device';
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser !== undefined && system !== undefined) return `${browser} on ${system}`;
  if (browser !== undefined || system !== undefined) return (browser ?? system) as string;
  // An unrecognised agent is shown cut short: it is what the client chose to send.
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}...` : userAgent;
}

/** The approximate place of a sign-in: its address (no location database is consulted). */
export function placeOf(ip: string | null | undefined): string {
  return ip === undefined || ip === null || ip === '' ? 'an unknown address' : ip;
}
