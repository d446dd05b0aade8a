/**
 * Helpers for the revocation feed and the application middleware tests: a service client that
 * may watch, its token, and a live reader of GET /api/v1/revocations/stream over a real socket.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { readEventStream, type SseEvent } from '../../src/middleware/sse.js';
import type { Grant } from './identity.js';
import { as } from './orgs.js';

export interface WatchClient {
  readonly id: string;
  readonly secret: string;
}

export function basic(client: WatchClient): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
}

/** Registers a client_secret_basic service client in `org` as `owner`. */
export async function registerClient(app: FastifyInstance, owner: Grant, org: string, scopes: readonly string[]): Promise<WatchClient> {
  const response = await as(app, owner, 'POST', `/api/v1/orgs/${org}/clients`, { name: 'app', scopes, auth_method: 'client_secret_basic' });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json<{ client_id: string; client_secret: string }>();
  return { id: body.client_id, secret: body.client_secret };
}

/** A client_credentials access token for `client`. */
export async function clientToken(app: FastifyInstance, client: WatchClient, extra: Record<string, string> = {}): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/oauth/token',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', ...extra }).toString(),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ access_token: string }>().access_token;
}

/** Polls `condition` until it holds (or fails after `timeoutMs`): no fixed sleeps. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A live reader of the feed: every event and heartbeat comment it received. */
export interface FeedReader {
  readonly status: number;
  readonly events: SseEvent[];
  readonly heartbeats: () => number;
  readonly ended: () => boolean;
  next(
    event: string,
    match?: (data: Record<string, unknown>) => boolean,
  ): Promise<{ id: string | undefined; data: Record<string, unknown> }>;
  close(): void;
}

export async function openFeed(baseUrl: string, token: string, lastEventId?: string): Promise<FeedReader> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const response = await fetch(`${baseUrl}/api/v1/revocations/stream`, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  let comments = 0;
  let ended = false;
  if (response.ok && response.body !== null) {
    void readEventStream(response.body, {
      onEvent: (event) => events.push(event),
      onActivity: () => {
        comments += 1;
      },
    })
      .catch(() => undefined)
      .finally(() => {
        ended = true;
      });
  } else {
    ended = true;
  }
  let seen = 0;
  return {
    status: response.status,
    events,
    heartbeats: () => comments,
    ended: () => ended,
    async next(name, match = () => true) {
      let found: SseEvent | undefined;
      await eventually(
        () => {
          for (; seen < events.length; seen++) {
            const event = events[seen]!;
            if (event.event === name && match(JSON.parse(event.data) as Record<string, unknown>)) {
              found = event;
              seen++;
              return true;
            }
          }
          return false;
        },
        5000,
        `feed event ${name}`,
      );
      return { id: found!.id, data: JSON.parse(found!.data) as Record<string, unknown> };
    },
    close: () => abort.abort(),
  };
}
