/**
 * `POST /api/v1/hooks/{source}` (spec "Webhooks"; issue 15 item 4): public, verified by signature.
 * The route keeps the body as raw bytes — in its own scope the JSON parser is replaced by one that
 * hands over the Buffer of any media type, up to RAMPART_INBOUND_BODY_LIMIT — because the
 * signature is over those exact bytes: a body re-serialised by a parser would not verify.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requestContext } from '../../../kernel/http/request-context.js';
import { SOURCE_KEY_PATTERN } from '../domain/hook-source.js';
import type { HookReceiver } from '../services/hook-receiver.js';

const Params = Type.Object(
  {
    source: Type.String({
      pattern: SOURCE_KEY_PATTERN,
      description:
        'An org hook source’s id (`src_…`, from `PUT /api/v1/orgs/{org}/hook-sources/{name}`), or the name of a platform source (RAMPART_INBOUND_SOURCES)',
    }),
  },
  { additionalProperties: false },
);

const Receipt = Type.Object(
  {
    status: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate')], {
      description:
        '`accepted`: stored and handed to the application; `duplicate`: this event id was accepted before — nothing is done again',
    }),
    event_id: Type.String({ description: 'The sender’s event id (`webhook-id`, or Stripe’s `id`)' }),
  },
  { additionalProperties: false },
);

export async function hookRoutes(app: FastifyInstance, receiver: HookReceiver, bodyLimit: number): Promise<void> {
  await app.register(async (scope) => {
    // Raw bytes only: the signature is over them, and nothing may parse the body before it is checked.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

    scope.post<{ Params: Static<typeof Params> }>(
      '/api/v1/hooks/:source',
      {
        config: { access: 'public', idempotency: false },
        bodyLimit,
        schema: {
          summary: 'Receive a webhook from a configured sender; verified over the raw body before anything reads it',
          description:
            'Schemes: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`) and Stripe (`Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`); any listed signature made with the source’s current secret (or, after a change, the previous one for RAMPART_INBOUND_SECRET_OVERLAP) verifies. A missing or bad signature, or a timestamp more than the source’s tolerance (RAMPART_INBOUND_TOLERANCE, 300 s) from now, is 401 `token_invalid` — one answer for every reason — and audited (`webhook.inbound_refused`, aggregated per source). A verified event is stored in the inbox once per event id: a replay answers 200 with `status: duplicate` and is not handed over again. Any media type is accepted; the body is kept byte for byte. Unknown source: 404.',
          tags: ['webhooks'],
          params: Params,
          response: { 200: Receipt },
        },
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const receipt = await receiver.receive(request.params.source, request.headers, body, requestContext(request));
        return { status: receipt.status, event_id: receipt.eventId };
      },
    );
  });
}
