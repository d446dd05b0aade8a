/**
 * Organisations, members and custom roles as data, and the naming rules for slugs and role names.
 * Pure: no I/O, no clock.
 */
import type { Org } from '../../identity/index.js';

export type { Org } from '../../identity/index.js';

/** A member of an org, with the account's email for display. */
export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly name: string | null;
  readonly role: string;
  readonly createdAt: number;
}

/** An org as one of its members sees it in a list. */
export interface OrgMembership extends Org {
  readonly role: string;
}

/** A custom role: its permissions (sorted names) and its current version (1, 2, …). */
export interface CustomRole {
  readonly name: string;
  readonly permissions: readonly string[];
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One version of a custom role, as the history lists it. */
export interface RoleVersion {
  readonly name: string;
  readonly version: number;
  readonly permissions: readonly string[];
  /** The user who wrote it; `null` when the system did. */
  readonly actorId: string | null;
  readonly createdAt: number;
}

/** Slugs: lower-case words joined by hyphens, 2–64 chars, not shaped like an org id. */
export const SLUG_PATTERN = '^(?!org_)[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$';
const SLUG = new RegExp(SLUG_PATTERN);

/** Role names: a lower-case word (letters, digits, `_`, `-`), up to 64 chars. */
export const ROLE_NAME_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';

export function isSlug(value: string): boolean {
  return SLUG.test(value) && value.length >= 2;
}

/** A slug derived from a name: lower-cased, runs of other characters as one hyphen. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug.length >= 2 ? slug : `org-${slug}`.replace(/-+$/, '');
}

/** Whether a path's `{org}` is an org id (`org_…`) rather than a slug. */
export function isOrgId(value: string): boolean {
  return value.startsWith('org_');
}
