/**
 * A TCP proxy in front of a real service, to play the network's part in failure tests without
 * touching the service itself (which other suites share): `freeze` stops every byte in both
 * directions with the connections left open (a peer that stops answering), `stop` drops every
 * connection and refuses new ones (a restart, seen from the client), `resume` accepts again.
 * `freezeSubscribers` does what `freeze` does to the Redis connections that sent SUBSCRIBE only
 * (a half-open pub/sub connection: the instance's other connections keep working).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  readonly #held: Array<() => void> = [];
  #server: Server | undefined;
  #port = 0;
  #frozen = false;
  #subscribersFrozen = false;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** A proxy on a free loopback port to `target` (`redis://host:port` or any URL with a port). */
  static async start(target: string): Promise<TcpProxy> {
    const url = new URL(target);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.resume();
    return proxy;
  }

  /** `target`'s URL with the proxy's host and port. */
  url(target: string): string {
    const url = new URL(target);
    url.hostname = '127.0.0.1';
    url.port = String(this.#port);
    return url.toString();
  }

  freeze(): void {
    this.#frozen = true;
  }

  /** Holds every byte, both ways, of the connections that subscribed (RESP `SUBSCRIBE`). */
  freezeSubscribers(): void {
    this.#subscribersFrozen = true;
  }

  /** Delivers what was held back, then forwards as before. */
  thaw(): void {
    this.#frozen = false;
    this.#subscribersFrozen = false;
    for (const send of this.#held.splice(0)) send();
  }

  /** Refuses new connections and drops every open one. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#held.length = 0;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again (on the same port after a `stop`). */
  async resume(): Promise<void> {
    if (this.#server !== undefined) return;
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    this.#port = address.port;
    this.#server = server;
  }

  close(): Promise<void> {
    return this.stop();
  }

  #accept(client: Socket): void {
    const upstream = connect(this.#target.port, this.#target.host);
    let subscriber = false;
    client.on('data', (chunk: Buffer) => {
      if (!subscriber && /\r\nsubscribe\r\n/i.test(chunk.toString('latin1'))) subscriber = true;
    });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (this.#frozen || (subscriber && this.#subscribersFrozen)) this.#held.push(() => to.write(chunk));
        else to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.#sockets.delete(from);
        to.destroy();
      });
    }
  }
}
