/**
 * A real HTTP receiver on 127.0.0.1 for the outbound webhook tests: it records every request
 * (headers and raw body) and answers as the test says (a status, a delay, never).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly path: string;
}

export interface Receiver {
  readonly port: number;
  readonly url: (path?: string) => string;
  readonly received: Received[];
  /** What the next requests get: a status (default 200) after `delayMs` (default 0). */
  respond(answer: { status?: number; delayMs?: number }): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let answer: { status?: number; delayMs?: number } = {};
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), path: request.url ?? '/' });
      const { status = 200, delayMs = 0 } = answer;
      const send = () => {
        if (!response.destroyed) response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      };
      if (delayMs > 0) setTimeout(send, delayMs).unref();
      else send();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    respond(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The environment that lets the outbound client reach `receivers` on loopback (and only them). */
export function receiverEnv(...receivers: readonly Receiver[]): Record<string, string> {
  return {
    RAMPART_OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    RAMPART_OUTBOUND_PORTS: ['443', ...receivers.map((receiver) => String(receiver.port))].join(','),
  };
}
