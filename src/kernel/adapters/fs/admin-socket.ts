/**
 * The local admin socket of a server on an embedded data directory: `<dataDir>/admin.sock`, a Unix
 * socket created 0600 inside the 0700 data directory, so only the account that owns the data (and
 * so already reads the database and the master key) can connect. Through it a CLI command asks the
 * running server to do a local admin write itself (`rampart admin recover`), so that the change,
 * its audit entry and its revocations happen in the one process that holds the data directory
 * (data-dir-lock.ts) and take effect there at once.
 *
 * The protocol is one JSON line each way: `{"op": name, ...arguments}`, answered by
 * `{"ok": true, "result": …}` or `{"ok": false, "error": {"code", "message"}}`. A request over
 * 64 KiB, or not JSON, is refused; an unknown op is refused by name. Answers may hold a one-time
 * secret (a recovered admin's password): they cross only this socket, never a log.
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

/** The socket's name inside the data directory. */
export const ADMIN_SOCKET_FILE = 'admin.sock';

const MAX_REQUEST_BYTES = 64 * 1024;

/** One operation: its arguments as parsed JSON in, a JSON-serialisable result out. */
export type AdminOperation = (request: Readonly<Record<string, unknown>>) => Promise<unknown>;

/** An operation's expected refusal: its code and message go back to the caller. */
export class AdminSocketError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'AdminSocketError';
    this.code = code;
  }
}

export function adminSocketPath(dataDir: string): string {
  return join(dataDir, ADMIN_SOCKET_FILE);
}

function removeSocket(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Reads one line (at most {@link MAX_REQUEST_BYTES}) from `socket`. */
function readLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end !== -1) resolve(buffered.slice(0, end));
      else if (buffered.length > MAX_REQUEST_BYTES) reject(new AdminSocketError('validation_failed', 'the request is too large'));
    });
    socket.on('end', () => resolve(buffered));
    socket.on('error', reject);
  });
}

async function answer(
  line: string,
  operations: Readonly<Record<string, AdminOperation>>,
  onError: (error: unknown) => void,
): Promise<unknown> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return { ok: false, error: { code: 'validation_failed', message: 'the request is not a JSON object' } };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { ok: false, error: { code: 'validation_failed', message: 'the request is not a JSON object' } };
  }
  const op = (request as { op?: unknown }).op;
  const operation = typeof op === 'string' && Object.hasOwn(operations, op) ? operations[op] : undefined;
  if (operation === undefined) return { ok: false, error: { code: 'validation_failed', message: `unknown operation ${String(op)}` } };
  try {
    return { ok: true, result: await operation(request as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof AdminSocketError) return { ok: false, error: { code: error.code, message: error.message } };
    const code = (error as { code?: unknown }).code;
    const detail = (error as { detail?: unknown }).detail;
    // A DomainError carries a safe `detail`; anything else is reported here and answered without its text.
    if (typeof code === 'string' && typeof detail === 'string') return { ok: false, error: { code, message: detail } };
    onError(error);
    return { ok: false, error: { code: 'internal_error', message: 'the server could not do it: see its log' } };
  }
}

/** A listening admin socket; `close` stops it and removes the file. */
export interface AdminSocket {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens on `<dataDir>/admin.sock` (a leftover file is replaced: the caller holds the data
 * directory's lock, so no other server owns it) and answers each connection's one request.
 */
export async function listenAdminSocket(
  dataDir: string,
  operations: Readonly<Record<string, AdminOperation>>,
  onError: (error: unknown) => void,
): Promise<AdminSocket> {
  const path = adminSocketPath(dataDir);
  removeSocket(path);
  const server: Server = createServer((socket) => {
    readLine(socket)
      .then((line) => answer(line, operations, onError))
      .catch((error: unknown) => ({
        ok: false,
        error: { code: 'validation_failed', message: error instanceof AdminSocketError ? error.message : 'the request could not be read' },
      }))
      .then((reply) => socket.end(`${JSON.stringify(reply)}\n`))
      .catch(onError);
  });
  // umask 077 under `rampart serve`; the chmod makes it so whatever the umask.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  let closed: Promise<void> | undefined;
  return {
    path,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        removeSocket(path);
      });
      return closed;
    },
  };
}

/**
 * Sends one request to the server listening on `dataDir`'s admin socket; resolves with its result
 * or rejects with its {@link AdminSocketError}. Rejects with `ENOENT`/`ECONNREFUSED` when no server listens.
 */
export async function callAdminSocket(dataDir: string, request: Readonly<Record<string, unknown>>, timeoutMs = 60_000): Promise<unknown> {
  const socket = createConnection(adminSocketPath(dataDir));
  socket.setTimeout(timeoutMs, () => socket.destroy(new AdminSocketError('timeout', 'the server did not answer in time')));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(`${JSON.stringify(request)}\n`);
  const line = await readLine(socket);
  socket.destroy();
  let reply: { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
  try {
    reply = JSON.parse(line) as typeof reply;
  } catch {
    throw new AdminSocketError('internal_error', 'the server answered something that is not JSON');
  }
  if (reply.ok === true) return reply.result;
  throw new AdminSocketError(String(reply.error?.code ?? 'internal_error'), String(reply.error?.message ?? 'the server refused'));
}
