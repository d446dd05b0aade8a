/**
 * Readable logs for RAMPART_DEV: each JSON line pino writes becomes `HH:MM:SS LEVEL message
 * key=value …` on the terminal. Only the presentation changes: what reaches it has already been
 * through the logger's redaction (pino-logger.ts), and a line that is not JSON passes unchanged.
 */
import { Writable } from 'node:stream';

const DROPPED = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

function value(field: unknown): string {
  if (typeof field === 'string') return /\s/.test(field) ? JSON.stringify(field) : field;
  return JSON.stringify(field) ?? String(field);
}

/** One JSON log line as a person reads it. */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = typeof entry.level === 'string' ? entry.level.toUpperCase().padEnd(5) : 'INFO ';
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  const rest = Object.entries(entry)
    .filter(([key]) => !DROPPED.has(key))
    .map(([key, field]) => `${key}=${value(field)}`)
    .join(' ');
  return `${time} ${level} ${message}${rest === '' ? '' : `  ${rest}`}`;
}

/** A pino destination writing {@link prettyLine}s to `out`. */
export function prettyDestination(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      let end = pending.indexOf('\n');
      while (end !== -1) {
        out.write(`${prettyLine(pending.slice(0, end))}\n`);
        pending = pending.slice(end + 1);
        end = pending.indexOf('\n');
      }
      done();
    },
  });
}
