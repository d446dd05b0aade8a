/**
 * A real SMTP server for tests (`smtp-server` on 127.0.0.1, a random port chosen once): it accepts
 * every message, parses it (headers, plain-text and HTML parts; quoted-printable and base64 decoded)
 * and keeps it in `messages`. `stop()` and `start()` simulate an outage on the same port, so mail
 * queued while the server is down is delivered once it is back. `config()` gives the Rampart
 * configuration overrides that point a test server at it (see test/helpers/rampart.ts).
 *
 *   const smtp = await startSmtp();
 *   const server = await testServer(backend, { env: smtp.config() });
 *   const mail = await smtp.waitFor((m) => m.to.includes('ada@example.com'));
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

/** One message as it arrived. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  readonly from: string;
  /** Envelope recipients (RCPT TO), lower-cased. */
  readonly to: readonly string[];
  /** Header names lower-cased; values unfolded, encoded words decoded. */
  readonly headers: Readonly<Record<string, string>>;
  readonly subject: string;
  /** The text/plain part, decoded ('' when absent). */
  readonly text: string;
  /** The text/html part, decoded ('' when absent). */
  readonly html: string;
  /** The raw message as received. */
  readonly raw: string;
  /** The user the client authenticated as, when the server requires auth. */
  readonly user?: string;
}

export interface SmtpOptions {
  /** Require AUTH with these credentials (PLAIN/LOGIN over the plain loopback connection). */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Answer every DATA with this SMTP error (e.g. to simulate a refusing server) while set. */
  refuse?: { readonly code: number; readonly message: string } | undefined;
}

export interface TestSmtp {
  readonly host: string;
  readonly port: number;
  /** Every message received so far, oldest first. */
  readonly messages: ReceivedMail[];
  /** Resolves with the first message (already received or arriving) matching `predicate`. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Messages received so far for `address` (envelope recipient, case-insensitive). */
  to(address: string): ReceivedMail[];
  /** Stops listening (an outage); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Sets or clears a refusal answered to every DATA. */
  refuse(answer: { readonly code: number; readonly message: string } | undefined): void;
  /** Rampart configuration overrides: the SMTP URL, the sender, a fast retry and poll for tests. */
  config(overrides?: Record<string, string>): Record<string, string>;
  /** Stops for good. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let refusal = options.refuse;
  let port = 0;
  let server: SMTPServer | undefined;

  const build = (): SMTPServer =>
    new SMTPServer({
      secure: false,
      disabledCommands: options.auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
      authOptional: options.auth === undefined,
      allowInsecureAuth: true,
      logger: false,
      size: 10 * 1024 * 1024,
      onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
        const expected = options.auth;
        if (expected !== undefined && auth.username === expected.user && auth.password === expected.pass) {
          callback(null, { user: auth.username });
          return;
        }
        callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (refusal !== undefined) {
            const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const user = typeof session.user === 'string' ? session.user : undefined;
          messages.push({ ...parseMessage(raw), from, to, raw, ...(user === undefined ? {} : { user }) });
          for (const wake of [...waiters]) wake();
          callback();
        });
      },
    });

  const listen = async (): Promise<void> => {
    const instance = build();
    server = instance;
    await new Promise<void>((resolve, reject) => {
      instance.once('error', reject);
      instance.listen(port, HOST, () => {
        instance.off('error', reject);
        resolve();
      });
    });
    port = (instance.server.address() as AddressInfo).port;
  };

  const stopListening = async (): Promise<void> => {
    const instance = server;
    server = undefined;
    if (instance === undefined) return;
    await new Promise<void>((resolve) => instance.close(() => resolve()));
  };

  await listen();

  return {
    host: HOST,
    get port() {
      return port;
    },
    messages,
    to(address) {
      const wanted = address.toLowerCase();
      return messages.filter((m) => m.to.includes(wanted));
    },
    waitFor(predicate, timeoutMs = 10_000) {
      const found = messages.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<ReceivedMail>((resolve, reject) => {
        const check = (): void => {
          const match = messages.find(predicate);
          if (match === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(match);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    stop: stopListening,
    async start() {
      if (server === undefined) await listen();
    },
    refuse(answer) {
      refusal = answer;
    },
    config(overrides = {}) {
      const credentials =
        options.auth === undefined ? '' : `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`;
      return {
        RAMPART_SMTP_URL: `smtp://${credentials}${HOST}:${port}`,
        RAMPART_MAIL_FROM: 'Rampart <rampart@example.test>',
        RAMPART_MAIL_RETRY_BASE_MS: '100',
        RAMPART_MAIL_POLL_MS: '200',
        ...overrides,
      };
    },
    close: stopListening,
  };
}

interface Part {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A minimal MIME reader: enough for what nodemailer writes (multipart/alternative, QP, base64). */
export function parseMessage(raw: string): { headers: Record<string, string>; subject: string; text: string; html: string } {
  const top = splitPart(raw);
  const leaves = flatten(top);
  const text = leaves.find((p) => contentType(p).startsWith('text/plain'));
  const html = leaves.find((p) => contentType(p).startsWith('text/html'));
  return {
    headers: top.headers,
    subject: top.headers.subject ?? '',
    text: text === undefined ? '' : decodeBody(text),
    html: html === undefined ? '' : decodeBody(html),
  };
}

function splitPart(raw: string): Part {
  const normalised = raw.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end === -1 ? normalised : normalised.slice(0, end);
  const body = end === -1 ? '' : normalised.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function contentType(part: Part): string {
  return (part.headers['content-type'] ?? 'text/plain').toLowerCase();
}

function flatten(part: Part): Part[] {
  const type = part.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/')) return [part];
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary === undefined) return [part];
  const pieces = part.body.split(`--${boundary}`);
  return pieces
    .slice(1)
    .filter((piece) => !piece.startsWith('--'))
    .flatMap((piece) => flatten(splitPart(piece.replace(/^\n/, ''))));
}

function decodeBody(part: Part): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const body = part.body.replace(/\n$/, '');
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const char = joined[i] ?? '';
    const hex = joined.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
