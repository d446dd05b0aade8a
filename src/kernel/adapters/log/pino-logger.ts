/**
 * The process logger: pino, JSON lines on stdout (or the given stream), every object passed
 * through {@link redact} and pino's own path redaction for the request headers it might see.
 *
 * Written through a buffered destination by default ({@link createLogDestination}: sonic-boom
 * writing once {@link LOG_BUFFER_BYTES} are pending, flushed every {@link LOG_FLUSH_MS} and at
 * close by {@link flushLog}), so a busy server does not make a write system call per line. Its
 * writes are synchronous, as pino's default is: an asynchronous write hands each chunk to libuv's
 * thread pool, which on the one core a server runs on cost far more than the write
 * (docs/decisions/032-lean-request-path.md). What is left is written when the process exits
 * ({@link writeOutAtExit}: pino does that only for asynchronous destinations). Warnings
 * and errors are written at once. The access lines the chain writes pre-serialised
 * ({@link rawLineStream}) are collected for one turn of the event loop and handed to the
 * destination as one string ({@link LineBatch}); any other line drains them first, so the log
 * keeps the order in which lines were written.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../../config.js';
import { isPreRedacted, redact, redactText } from '../../domain/redaction.js';

export type { Logger } from 'pino';

/** Bytes a buffered destination collects before it writes. */
export const LOG_BUFFER_BYTES = 4096;
/** pino's level number of `warn`: lines at this level and above are written at once. */
const WRITE_AT_ONCE_FROM = 40;
/** How often a buffered destination writes what it holds, however little. */
export const LOG_FLUSH_MS = 250;

const HEADER_PATHS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization', 'dpop'].flatMap((name) => [
  `req.headers["${name}"]`,
  `res.headers["${name}"]`,
  `headers["${name}"]`,
]);

/** At most this many pre-serialised lines wait for the end of the event loop's turn. */
const BATCH_LINES = 64;

/**
 * Pre-serialised lines of one turn of the event loop, handed to the destination as ONE write:
 * sonic-boom's per-write work (measuring and appending to its pending string) is paid once per
 * turn instead of once per request. Drained on `setImmediate`, when {@link BATCH_LINES} wait,
 * before any other line of the same logger, and by {@link flushLog}.
 */
class LineBatch {
  readonly #stream: { write(chunk: string): unknown };
  #lines: string[] = [];
  #scheduled = false;
  readonly #onImmediate = (): void => {
    this.#scheduled = false;
    this.drain();
  };

  constructor(stream: { write(chunk: string): unknown }) {
    this.#stream = stream;
  }

  write(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length >= BATCH_LINES) this.drain();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#onImmediate);
    }
  }

  /** Hands every waiting line to the destination, in order. */
  drain(): void {
    const lines = this.#lines;
    if (lines.length === 0) return;
    this.#lines = [];
    this.#stream.write(lines.length === 1 ? (lines[0] as string) : lines.join(''));
  }
}

/** Destinations made by {@link createLogDestination}: buffered already, so lines may wait a turn too. */
const BUFFERED = new WeakSet<DestinationStream>();

/**
 * Loggers made by {@link createLogger} and where their pre-serialised lines go: their format is
 * known. A {@link LineBatch} in front of a buffered destination; a destination given by the caller
 * (a test's capture, a host's synchronous stream) gets each line at once, as pino would.
 */
const OURS = new WeakMap<Logger, { write(line: string): unknown }>();

/** The buffered destinations still open: written out when the process exits. */
const OPEN = new Set<WeakRef<ReturnType<typeof pino.destination>>>();
let listening = false;

/**
 * At exit, what every open buffered destination still holds is written. pino does this itself
 * only for asynchronous destinations; a synchronous one that buffers (`minLength`) would
 * otherwise lose its last lines — the server's "stopped", or a fatal error before a crash. One
 * listener for the process, weak references to the destinations.
 */
function writeOutAtExit(destination: ReturnType<typeof pino.destination>): void {
  if (!listening) {
    listening = true;
    process.once('exit', () => {
      for (const ref of OPEN) {
        try {
          ref.deref()?.flushSync();
        } catch {
          // A destination closed or broken at exit has nothing left to write.
        }
      }
    });
  }
  const ref = new WeakRef(destination);
  OPEN.add(ref);
  destination.once('close', () => OPEN.delete(ref));
}

/**
 * A buffered destination: a file descriptor (1, stdout, by default) or a file path (created 0600
 * if absent), written in chunks, flushed on a timer, at {@link flushLog} and at exit.
 */
export function createLogDestination(dest: number | string = 1): DestinationStream {
  const destination = pino.destination({
    dest,
    sync: true,
    minLength: LOG_BUFFER_BYTES,
    periodicFlush: LOG_FLUSH_MS,
    ...(typeof dest === 'string' ? { mode: 0o600 } : {}),
  });
  BUFFERED.add(destination);
  writeOutAtExit(destination);
  return destination;
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const stream = destination ?? createLogDestination();
  const batch = BUFFERED.has(stream) ? new LineBatch(stream) : undefined;
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'rampart' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: HEADER_PATHS, censor: '[redacted]' },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => (isPreRedacted(object) ? object : (redact(object) as Record<string, unknown>)),
    },
    hooks: {
      // The message string too: `log.info(`…${url}`)` must not carry a credential either.
      logMethod(args, method, level) {
        // Access lines written before this one go first.
        batch?.drain();
        if (isPreRedacted(args[0])) method.apply(this, args);
        else method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>);
        // A warning or an error (an outage beginning, a failure) is written at once, not with the
        // next batch of access lines: an operator watching the log, or a crash, must not wait for it.
        if (level >= WRITE_AT_ONCE_FROM) this.flush();
      },
    },
    serializers: {
      err: (error: unknown) => redact(error),
      error: (error: unknown) => redact(error),
    },
  };
  const logger = pino(options, stream);
  OURS.set(logger, batch ?? stream);
  return logger;
}

/** Writes what `logger`'s destination still buffers; resolves once it is written (or at once when unbuffered). */
export function flushLog(logger: Logger): Promise<void> {
  const lines = OURS.get(logger);
  if (lines instanceof LineBatch) lines.drain();
  return new Promise((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve(); // a destination already closed has nothing left to write
    }
  });
}

/**
 * The stream a line may be written to directly, pre-serialised in {@link createLogger}'s format:
 * `undefined` for a logger made elsewhere (a host application's), whose format is its own.
 */
export function rawLineStream(logger: Logger): { write(line: string): unknown } | undefined {
  return OURS.get(logger);
}
