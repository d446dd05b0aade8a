/**
 * What a run may ask of the sandbox, checked before anything starts (pure rules, no I/O):
 * - a file name is a relative path of non-empty segments, none `.` or `..`, with no NUL, no
 *   control character, no backslash, at most 255 bytes a segment and 4096 in all;
 * - the files fit in `disk_mb` together, and there are at most {@link MAX_FILES} of them;
 * - an environment name is a portable name (`[A-Za-z_][A-Za-z0-9_]*`) and none the dynamic linker
 *   or libc acts on: the environment reaches the host-side `prlimit` and `bwrap` processes before it
 *   reaches the job, so `LD_PRELOAD` and friends must never be chosen by a job's creator;
 * - an environment value has no NUL (it could not be passed) and fits in 128 KiB.
 * Each refusal is a {@link SandboxInputError} whose detail names the rule, never the value.
 */
import { SandboxInputError } from '../ports/sandbox.js';

/** Each file takes one descriptor of the bwrap process; past this, a job should bring an archive. */
export const MAX_FILES = 256;
const MAX_PATH_BYTES = 4096;
const MAX_SEGMENT_BYTES = 255;
const MAX_ENV_VALUE_BYTES = 128 * 1024;

/** Names glibc drops for setuid programs (its UNSECURE_ENVVARS) and the ones it reads at start. */
const HOST_ACTED_ENV = new Set([
  'GCONV_PATH',
  'GETCONF_DIR',
  'GLIBC_TUNABLES',
  'HOSTALIASES',
  'LOCALDOMAIN',
  'LOCPATH',
  'MALLOC_ARENA_MAX',
  'MALLOC_ARENA_TEST',
  'MALLOC_CHECK_',
  'MALLOC_MMAP_MAX_',
  'MALLOC_MMAP_THRESHOLD_',
  'MALLOC_PERTURB_',
  'MALLOC_TCACHE_MAX_',
  'MALLOC_TOP_PAD_',
  'MALLOC_TRACE',
  'MALLOC_TRIM_THRESHOLD_',
  'NIS_PATH',
  'NLSPATH',
  'RESOLV_HOST_CONF',
  'RES_OPTIONS',
  'TMPDIR',
  'TZDIR',
]);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `name` is not an acceptable file name, or undefined when it is. */
export function fileNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a file name is empty';
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) return 'a file name is longer than 4096 bytes';
  if (name.includes('\u0000')) return 'a file name contains NUL';
  if (CONTROL.test(name)) return 'a file name contains a control character';
  if (name.includes('\\')) return 'a file name contains a backslash';
  if (name.startsWith('/')) return 'a file name is absolute';
  for (const segment of name.split('/')) {
    if (segment === '') return 'a file name has an empty segment';
    if (segment === '.' || segment === '..') return 'a file name has a "." or ".." segment';
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return 'a file name has a segment longer than 255 bytes';
  }
  return undefined;
}

/** Why `name` may not be set in a job's environment, or undefined when it may. */
export function envNameProblem(name: string): string | undefined {
  if (!ENV_NAME.test(name)) return 'an environment name is not of the form [A-Za-z_][A-Za-z0-9_]*';
  if (name.startsWith('LD_') || HOST_ACTED_ENV.has(name)) return `the environment name ${name} is reserved`;
  return undefined;
}

/** Refuses files and environment a run may not carry (see the module comment). */
export function checkSandboxInput(files: ReadonlyMap<string, Buffer>, env: ReadonlyMap<string, string>, diskMb: number): void {
  if (files.size > MAX_FILES) throw new SandboxInputError(`more than ${MAX_FILES} files`);
  let total = 0;
  const names = new Set<string>();
  for (const [name, bytes] of files) {
    const problem = fileNameProblem(name);
    if (problem !== undefined) throw new SandboxInputError(problem);
    total += bytes.length;
    names.add(name);
  }
  // A file may not also be a directory of another (`a` and `a/b`): bwrap would fail half-way.
  for (const name of names) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      if (names.has(parts.slice(0, i).join('/'))) throw new SandboxInputError('a file name is also used as a directory');
    }
  }
  if (total > diskMb * 1024 * 1024) throw new SandboxInputError('the files are larger than disk_mb');
  for (const [name, value] of env) {
    const problem = envNameProblem(name);
    if (problem !== undefined) throw new SandboxInputError(problem);
    if (value.includes('\u0000')) throw new SandboxInputError(`the environment value of ${name} contains NUL`);
    if (Buffer.byteLength(value) > MAX_ENV_VALUE_BYTES) {
      throw new SandboxInputError(`the environment value of ${name} is larger than 128 KiB`);
    }
  }
}
