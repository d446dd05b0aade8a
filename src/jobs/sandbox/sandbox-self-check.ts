/**
 * The sandbox checked from inside: the probe runs {@link PROFILE_PROBE_ARGV} through the full
 * profile and reads back what the kernel says of the job's process — its uid and gid, its
 * capabilities, no-new-privileges, the seccomp mode and the network interfaces it can see. A
 * profile that does not hold as built is unavailable: the check fails closed.
 */
import type { SandboxResult } from '../ports/sandbox.js';
import { SANDBOX_GID, SANDBOX_UID } from './sandbox-identity.js';

export const PROFILE_PROBE_ARGV: readonly string[] = ['/bin/cat', '/proc/self/status', '/proc/net/dev'];

export type SelfCheck =
  { readonly ok: true; readonly facts: Readonly<Record<string, string>> } | { readonly ok: false; readonly reason: string };

const NO_CAPABILITIES = '0000000000000000';

/** Reads the probe's output; `seccomp` says whether a filter was meant to be on. */
export function checkProfileFromInside(result: Omit<SandboxResult, 'usage'>, seccomp: boolean): SelfCheck {
  if (result.exitCode !== 0)
    return { ok: false, reason: `the probe job failed inside the sandbox (${result.ended}, exit ${String(result.exitCode)})` };
  const text = result.stdout.toString('utf8');
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const ids = (name: string): string[] => field(name).split(/\s+/);
  const expectations: readonly (readonly [boolean, string])[] = [
    [ids('Uid').every((id) => id === String(SANDBOX_UID)), `the job's uid is not ${SANDBOX_UID}`],
    [ids('Gid').every((id) => id === String(SANDBOX_GID)), `the job's gid is not ${SANDBOX_GID}`],
    [['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'].every((c) => field(c) === NO_CAPABILITIES), 'the job holds capabilities'],
    [field('NoNewPrivs') === '1', 'no-new-privileges is not set'],
    [!seccomp || field('Seccomp') === '2', 'the seccomp filter is not applied'],
  ];
  for (const [holds, reason] of expectations) if (!holds) return { ok: false, reason };
  // /proc/net/dev: two header lines from "Inter-|", then one "name: counters…" line per interface.
  const netDev = text.slice(text.indexOf('Inter-|'));
  if (!text.includes('Inter-|')) return { ok: false, reason: 'the probe job could not read its network interfaces' };
  const interfaces = [...netDev.matchAll(/^\s*([^\s:|]+):/gm)].map((m) => m[1]);
  if (interfaces.some((name) => name !== 'lo')) return { ok: false, reason: 'the job can see a network interface other than lo' };
  return {
    ok: true,
    facts: {
      'checked inside': `uid ${SANDBOX_UID}, gid ${SANDBOX_GID}, no capabilities, NoNewPrivs 1, Seccomp ${field('Seccomp')}, interfaces: ${interfaces.join(', ') || 'none'}`,
    },
  };
}
