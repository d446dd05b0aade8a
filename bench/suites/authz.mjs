/**
 * Authorization: Rampart's decision (pure, through the authorizer, and over HTTP) against
 * node-casbin `rbac_with_domains`, and Rampart at 10 vs 10,000 orgs. In-process; it measures and
 * prints itself (bench/authz.mjs).
 */
import { describeAuthz, runAuthzBench } from '../authz.mjs';

export default {
  name: 'authz',
  title: 'Authorization decisions: Rampart vs node-casbin rbac_with_domains; 10 vs 10,000 orgs',
  async run(settings, _generator, log) {
    const result = await runAuthzBench(settings.duration, log);
    return { name: 'authz', title: this.title, ...result };
  },
  describe: describeAuthz,
};
