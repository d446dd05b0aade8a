/**
 * Reading what must never be on argv (a password, a second-factor code, an API key, a secret's
 * value). From a terminal the prompt goes to stderr and a secret is read without echo (raw mode,
 * nothing written back); from a pipe, one line per answer, so `printf '%s\n' "$EMAIL" "$PASSWORD" |
 * rampart login URL` works in scripts. Ctrl-C or Ctrl-D at a prompt cancels the command.
 */
import type { CliIo } from './io.js';

/** Reads successive lines of a non-terminal stream, shared by every question of one command. */
class LineReader {
  readonly #stream: NodeJS.ReadableStream;
  #buffer = '';
  #ended = false;
  #waiting: (() => void) | undefined;

  constructor(stream: NodeJS.ReadableStream) {
    this.#stream = stream;
    stream.setEncoding?.('utf8');
    stream.on('data', (chunk: string | Buffer) => {
      this.#buffer += chunk.toString();
      this.#wake();
    });
    stream.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    stream.on('error', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  async line(): Promise<string | null> {
    for (;;) {
      const newline = this.#buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).replace(/\r$/, '');
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      if (this.#ended) {
        if (this.#buffer === '') return null;
        const rest = this.#buffer;
        this.#buffer = '';
        return rest;
      }
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
    }
  }

  /** Everything left, for a secret's value (`rampart secrets put` from stdin). */
  async rest(): Promise<string> {
    while (!this.#ended) {
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
    }
    const rest = this.#buffer;
    this.#buffer = '';
    return rest;
  }

  pause(): void {
    this.#stream.pause();
  }
}

/** A cancelled prompt (Ctrl-C, Ctrl-D, or stdin closed before the answer). */
export class PromptCancelled extends Error {
  constructor(what: string) {
    super(`no ${what} given (stdin ended)`);
    this.name = 'PromptCancelled';
  }
}

/** Asks a terminal with raw mode: no echo for secrets, backspace handled, Ctrl-C cancels. */
function askTerminal(io: CliIo, question: string, secret: boolean, what: string): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let answer = '';
    stdin.setRawMode?.(true);
    stdin.setEncoding?.('utf8');
    stdin.resume();
    const done = (error?: Error): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error === undefined) resolve(answer);
      else reject(error);
    };
    const onData = (chunk: string | Buffer): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004') return done(new PromptCancelled(what));
        if (char === '\u007f' || char === '\b') {
          if (answer.length > 0) {
            answer = answer.slice(0, -1);
            if (!secret) stderr.write('\b \b');
          }
          continue;
        }
        answer += char;
        if (!secret) stderr.write(char);
      }
    };
    stdin.on('data', onData);
  });
}

/** Questions for one command: a terminal prompt, or successive lines of stdin. */
export class Prompter {
  readonly #io: CliIo;
  #lines: LineReader | undefined;

  constructor(io: CliIo) {
    this.#io = io;
  }

  get interactive(): boolean {
    return this.#io.stdin.isTTY === true;
  }

  #reader(): LineReader {
    this.#lines ??= new LineReader(this.#io.stdin);
    return this.#lines;
  }

  /** One answer; `secret` ones are not echoed. Throws {@link PromptCancelled} at end of input. */
  async ask(question: string, options: { readonly secret?: boolean; readonly what: string }): Promise<string> {
    if (this.interactive) return (await askTerminal(this.#io, question, options.secret === true, options.what)).trim();
    const line = await this.#reader().line();
    if (line === null) throw new PromptCancelled(options.what);
    return line.trim();
  }

  /** All of stdin, as given (a secret's value may hold newlines; one final newline is dropped). */
  async all(): Promise<string> {
    return (await this.#reader().rest()).replace(/\r?\n$/, '');
  }

  /** Stops reading stdin (so the process may exit). */
  close(): void {
    this.#lines?.pause();
  }
}
