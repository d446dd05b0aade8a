/**
 * The process logger: pino, JSON lines on stdout (or the given stream), every object passed
 * through {@link redact} and pino's own path redaction for the request headers it might see.
 *
 * Written through a buffered destination by default ({@link createLogDestination}: sonic-boom
 * writing asynchronously once {@link LOG_BUFFER_BYTES} are pending, flushed every
 * {@link LOG_FLUSH_MS} and at close by {@link flushLog}), so a busy server does not make a write
 * system call per line; pino flushes what is left synchronously when the process exits. Warnings
 * and errors are written at once.
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

/** Loggers made by {@link createLogger}: their line format is known, so lines may be written pre-serialised. */
const OURS = new WeakSet<Logger>();

/**
 * A buffered destination: a file descriptor (1, stdout, by default) or a file path (created 0600
 * if absent), written asynchronously in chunks and flushed on a timer.
 */
export function createLogDestination(dest: number | string = 1): DestinationStream {
  return pino.destination({
    dest,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    periodicFlush: LOG_FLUSH_MS,
    ...(typeof dest === 'string' ? { mode: 0o600 } : {}),
  });
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
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
  const logger = pino(options, destination ?? createLogDestination());
  OURS.add(logger);
  return logger;
}

/** Writes what `logger`'s destination still buffers; resolves once it is written (or at once when unbuffered). */
export function flushLog(logger: Logger): Promise<void> {
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
  if (!OURS.has(logger)) return undefined;
  return (logger as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym];
}
