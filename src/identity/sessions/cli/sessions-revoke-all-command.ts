/**
 * `rampart sessions revoke-all [--org <org>] [--json]`: the kill switch from the command line
 * (identity/sessions/services/kill-switch.ts), for an operator who cannot or will not use the API
 * (the admin's own sessions may be what leaked). It starts Rampart on the configuration, so the
 * revocation reaches every running instance through the same bus; audited as
 * `sessions.revoke_all` with a `system` actor. Progress on stderr, the result on stdout.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Output } from '../../../kernel/cli/output.js';
import type { RampartConfig } from '../../../kernel/config.js';
import type { CommandContext } from '../../../kernel/part.js';

export async function runSessionsRevokeAll(
  config: RampartConfig,
  out: Output,
  compose: CommandContext['compose'],
  org: string | undefined,
): Promise<number> {
  out.progress(0, 2, 'starting');
  const { facade, close } = await compose(config, 'identity');
  try {
    const orgId = org === undefined ? undefined : await facade.killSwitch.orgIdOf(org);
    if (org !== undefined && orgId === undefined) throw new DomainError('not_found', `No org ${org}`);
    out.progress(1, 2, 'revoking');
    const result = await facade.killSwitch.revokeAll(orgId, { type: 'system', id: null, context: undefined });
    out.progress(2, 2, 'done');
    const at = new Date(result.revokedAt).toISOString();
    const scope = orgId === undefined ? { scope: 'deployment' } : { scope: 'org', org: orgId };
    out.result(
      { ...scope, revoked: result.revoked, revoked_at: at },
      `revoked ${result.revoked} session(s) of ${orgId === undefined ? 'the deployment' : `org ${orgId}`} at ${at}`,
    );
    return 0;
  } finally {
    await close();
  }
}
