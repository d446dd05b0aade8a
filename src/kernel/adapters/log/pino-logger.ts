/**
 * The process logger: pino, JSON lines on stdout (or the given stream), every object passed
 * through {@link redact} and pino's own path redaction for the request headers it might see.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../../config.js';
import { isPreRedacted, redact, redactText } from '../../domain/redaction.js';

export type { Logger } from 'pino';

const HEADER_PATHS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization', 'dpop'].flatMap((name) => [
  `req.headers["${name}"]`,
  `res.headers["${name}"]`,
  `headers["${name}"]`,
]);

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
      logMethod(args, method) {
        if (isPreRedacted(args[0])) {
          method.apply(this, args);
          return;
        }
        const cleaned = args.map((arg: unknown) => (typeof arg === 'string' ? redactText(arg) : arg));
        method.apply(this, cleaned as Parameters<typeof method>);
      },
    },
    serializers: {
      err: (error: unknown) => redact(error),
      error: (error: unknown) => redact(error),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
