/**
 * How commands talk: results on stdout (JSON with `--json`, text otherwise), progress and
 * warnings on stderr so that stdout stays machine-readable. A JSON result is one line: `serve`
 * prints its `{"url": …}` among the server's own JSON log lines, and a reader takes stdout line
 * by line.
 */
export interface Output {
  readonly json: boolean;
  /** The command's result. */
  result(data: unknown, text: string): void;
  /** A step of long work: `[3/10] label`. */
  progress(done: number, total: number, label: string): void;
  note(text: string): void;
}

export function createOutput(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Output {
  return {
    json,
    result(data, text) {
      stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
    },
    progress(done, total, label) {
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stderr.write(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}\n`);
    },
    note(text) {
      stderr.write(`${text}\n`);
    },
  };
}
