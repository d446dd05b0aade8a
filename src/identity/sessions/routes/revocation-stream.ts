/**
 * `GET /api/v1/revocations/stream` (test/fixtures/spec-api-v1.md, "Added in v1.1", "For applications"):
 * Server-Sent Events (WHATWG HTML §9.2) of revocations, for service clients holding
 * `sessions.watch` in their org (identity/sessions/services/revocation-feed.ts says what each sees).
 * Events: `ready` (`{position}`, once, first), `revocation` (`{sid, at}`), `authz` (`{org, at}`:
 * drop cached decisions about the org), `resync` (`{reason, at}`: drop every cache; with `at`,
 * refuse tokens issued before it). `id:` is the durable sequence position; `Last-Event-ID`
 * resumes after it. A comment line every heartbeat proves the stream alive. A stream ends after
 * {@link MAX_STREAM_MS} (the client reconnects with `Last-Event-ID`, authenticating afresh, so a
 * revoked client stops watching within that bound) and when the server shuts down.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Principal } from '../../../kernel/domain/principal.js';
import type { FeedEvent, RevocationFeed, Watcher } from '../services/revocation-feed.js';

/** How long one stream lives before the client reconnects (and re-authenticates). */
export const MAX_STREAM_MS = 5 * 60_000;

const StreamHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: 'The last position received: the stream resumes after it' }),
  ),
});

/**
 * Whether `principal` may watch, and as whom: installed by the authorizer's capability (tenancy),
 * which composes after identity. Absent: nobody may (fail closed).
 */
export type WatchAccess = (principal: Principal) => Promise<Watcher | undefined>;

export interface RevocationStreamParts {
  readonly feed: Pick<RevocationFeed, 'open'>;
  readonly access: () => WatchAccess | undefined;
}

function frame(event: FeedEvent): string {
  return `id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

async function watcherOf(request: FastifyRequest, parts: RevocationStreamParts): Promise<Watcher> {
  const principal = request.principal;
  if (principal?.type !== 'service') throw new DomainError('forbidden', 'Only a service client may watch revocations');
  const watcher = await parts.access()?.(principal);
  if (watcher === undefined) throw new DomainError('forbidden', 'This needs the sessions.watch permission');
  return watcher;
}

export async function revocationStreamRoutes(app: FastifyInstance, parts: RevocationStreamParts): Promise<void> {
  // A hijacked stream would hold the server's close until its timeout: each is ended first.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...streams]) close();
  });
  app.get<{ Headers: Static<typeof StreamHeaders> }>(
    '/api/v1/revocations/stream',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Revocations for applications, live (SSE): sessions revoked and authorization changed',
        description:
          'For service clients holding `sessions.watch` in their org (others: 403 `forbidden`). `text/event-stream`; each event has `id` (its position in the durable revocation sequence) and JSON `data`: ' +
          '`ready` `{position}` first; `revocation` `{sid, at}` — refuse access tokens whose `sid` it names; `authz` `{org, at}` — drop cached authorization decisions about that org (a membership or role changed; tokens carrying that `org` issued before `at` are ended); ' +
          '`resync` `{reason, at}` — drop every cache (`position_expired`: `Last-Event-ID` is older than the kept sequence; `bulk_revocation`: a kill switch, refuse every token issued before `at`). ' +
          'A watcher of org X sees revocations of sessions of X’s members and X’s authz changes; a watcher of the `system` org (a platform client) sees all. ' +
          `A comment line (\`: hb\`) at least every heartbeat interval (RAMPART_REVOCATION_HEARTBEAT, seconds) proves the stream live. The stream ends after ${MAX_STREAM_MS / 60_000} minutes and at shutdown: reconnect with \`Last-Event-ID\`.`,
        tags: ['sessions'],
        headers: StreamHeaders,
        response: { 200: Type.String({ description: 'text/event-stream' }) },
      },
    },
    async (request, reply) => {
      const watcher = await watcherOf(request, parts);
      const header = request.headers['last-event-id'];
      const lastEventId = header === undefined ? undefined : Number(header);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
        connection: 'keep-alive',
      });
      raw.write('retry: 1000\n\n');
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        raw.end();
      };
      const close = await parts.feed
        .open(
          watcher,
          {
            send: (event) => {
              if (!ended) raw.write(frame(event));
            },
            heartbeat: () => {
              if (!ended) raw.write(': hb\n\n');
            },
            end,
          },
          lastEventId,
        )
        .catch((error: unknown) => {
          end();
          throw error;
        });
      const finish = (): void => {
        clearTimeout(timer);
        streams.delete(finish);
        close();
      };
      const timer = setTimeout(finish, MAX_STREAM_MS);
      timer.unref();
      streams.add(finish);
      request.raw.on('close', finish);
      return reply;
    },
  );
}
