/**
 * `rampart doctor`'s view of the job sandbox: it builds the sandbox as the server would and runs
 * its probe — a real job through the full profile, checked from inside (sandbox-self-check.ts) — then
 * reports each fact of the profile (namespaces, seccomp, uid mapping, each limit and how the kernel
 * enforces it) as `pass`, or one `fail` with the reason the profile cannot be had. Nothing weaker is
 * offered as a fallback: a failed check means jobs are refused with 503 `sandbox_unavailable`.
 */
import type { RampartConfig } from '../../kernel/config.js';
import type { DoctorCheck } from '../../kernel/part.js';
import { createBubblewrapSandbox, type BubblewrapSandboxOptions } from './bubblewrap-sandbox.js';

/** The checks, for the sandbox `config` describes (as src/jobs/compose.ts builds it); `options` override. */
export async function sandboxDoctorChecks(config: RampartConfig, options: BubblewrapSandboxOptions = {}): Promise<DoctorCheck[]> {
  const profile = await createBubblewrapSandbox({
    bwrapPath: config.jobsBwrapPath,
    hostUser: { uid: config.jobsSandboxUid, gid: config.jobsSandboxGid },
    ...options,
  }).probe();
  if (!profile.available) {
    return [{ name: 'jobs-sandbox', status: 'fail', reason: `jobs cannot run: ${profile.reason ?? 'the sandbox cannot be set up'}` }];
  }
  return [
    { name: 'jobs-sandbox', status: 'pass', reason: 'bubblewrap sandbox set up and checked from inside' },
    ...Object.entries(profile.facts).map(([fact, reason]): DoctorCheck => ({ name: `jobs-sandbox ${fact}`, status: 'pass', reason })),
  ];
}
