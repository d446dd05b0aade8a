/**
 * Peer for the protected-route benchmark: bare Fastify 5, no plugin, no logger, one hello route
 * (`GET /hello` → `{"hello":"world"}`, serialized through a response schema as Rampart's are).
 * The ceiling: what Fastify itself costs per request on this machine.
 */
import Fastify from 'fastify';
import { listen } from './common.mjs';

const app = Fastify();
app.get(
  '/hello',
  { schema: { response: { 200: { type: 'object', properties: { hello: { type: 'string' } }, required: ['hello'] } } } },
  async () => ({ hello: 'world' }),
);
await listen(app);
