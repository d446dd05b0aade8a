/**
 * Names people choose (org, role, secret, device, webhook, key names) are shown in consoles,
 * terminals and logs: they refuse control characters — C0 (NUL, CR, LF, ESC and the terminal
 * escapes it starts), DEL, C1 — and the Unicode bidirectional and line controls that make text
 * display as something else (CVE-2021-42574, "Trojan Source"). PostgreSQL refuses NUL in text, so
 * the rule also keeps both backends answering the same 400.
 */
import { Type, type StringOptions, type TString } from '@sinclair/typebox';

/** An ajv (`u` flag) pattern: no C0, DEL, C1, bidi embedding/override/isolate or line/paragraph separators. */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069]*$';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/** Whether `text` holds a character a name refuses (for names that arrive outside a JSON schema). */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/** A free-text name: 1–`maxLength` (default 128) characters, none of them a control character. */
export function NameString(options: StringOptions = {}): TString {
  return Type.String({ minLength: 1, maxLength: 128, pattern: NO_CONTROL_CHARACTERS, ...options });
}
