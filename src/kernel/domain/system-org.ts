/** The built-in org whose owners are the platform administrators; user-level events are recorded under it. */
export const SYSTEM_ORG_SLUG = 'system';
