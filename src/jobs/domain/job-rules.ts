/**
 * The rules a job request must meet before anything is stored (issue 14, items 2 and 4):
 * - file names are the sandbox's (jobs/sandbox/sandbox-input.ts, one source of the rule): relative
 *   paths of plain segments, no `..` or `.` segment, no NUL or other control character, no leading
 *   `/`, no backslash, no empty segment; at most `MAX_FILES` of them, and no path that is both a
 *   file and the directory of another;
 * - a secret's name becomes an environment variable's: it must be a portable name the host side
 *   does not act on (`LD_*` and the like are refused);
 * - every limit is a whole number from 1 to its configured maximum; an unset one takes the default;
 * - the files' bytes together fit in the job's `disk_mb`;
 * - `network` may only be false (there is no egress policy yet).
 * Each refusal is a field error of 400 `validation_failed`.
 */
import type { FieldError } from '../../kernel/domain/errors.js';
import { envNameProblem, fileNameProblem, MAX_FILES } from '../sandbox/sandbox-input.js';
import { LIMIT_FIELDS, LIMIT_NAMES, type JobLimits, type LimitName } from './job.js';

/** Field errors of the file names (each checked, then a file that is also another's directory). */
export function fileNameErrors(paths: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (paths.length > MAX_FILES) return [{ field: 'files', reason: `at most ${MAX_FILES} files` }];
  for (const path of paths) {
    const problem = fileNameProblem(path);
    if (problem !== undefined) errors.push({ field: `files/${JSON.stringify(path).slice(1, -1)}`, reason: problem });
  }
  if (errors.length > 0) return errors;
  const names = new Set(paths);
  for (const path of paths) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      if (names.has(segments.slice(0, i).join('/'))) errors.push({ field: `files/${path}`, reason: 'a parent of this path is a file' });
    }
  }
  return errors;
}

/** The defaults and maxima of each limit, from configuration. */
export interface LimitPolicy {
  readonly defaults: JobLimits;
  readonly maxima: JobLimits;
}

/** The limits of a job: those asked, each checked against its maximum, else the default. */
export function resolveLimits(
  asked: Partial<Record<LimitName, number>> | undefined,
  policy: LimitPolicy,
): { limits: JobLimits; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const limits: Record<keyof JobLimits, number> = { ...policy.defaults };
  for (const name of LIMIT_NAMES) {
    const value = asked?.[name];
    if (value === undefined) continue;
    const field = LIMIT_FIELDS[name];
    const max = policy.maxima[field];
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      errors.push({ field: `limits/${name}`, reason: `must be a whole number from 1 to ${max} (the configured maximum)` });
    } else {
      limits[field] = value;
    }
  }
  return { limits, errors };
}

/** Field errors when the files' bytes do not fit in the job's writable space. */
export function diskErrors(totalBytes: number, limits: JobLimits): FieldError[] {
  return totalBytes > limits.diskMb * 1024 * 1024
    ? [{ field: 'files', reason: `the files take more than disk_mb (${limits.diskMb} MiB)` }]
    : [];
}

/** Field errors of secret names that cannot be environment variable names. */
export function secretNameErrors(names: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  names.forEach((name, index) => {
    const problem = envNameProblem(name);
    if (problem !== undefined)
      errors.push({
        field: `secrets/${index}`,
        reason: 'must be usable as an environment variable name ([A-Za-z_][A-Za-z0-9_]*, not LD_* or another the host acts on)',
      });
  });
  if (new Set(names).size !== names.length) errors.push({ field: 'secrets', reason: 'must not name a secret twice' });
  return errors;
}
