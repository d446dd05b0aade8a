/**
 * Peer (b): Fastify 5 with the usual security plugins, configured like Rampart's run: helmet's
 * defaults, CORS with one allowed origin, and a rate limit high enough never to refuse during the
 * run (but counted on every request, per client address, in a one-minute window). No logger.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { ALLOWED_ORIGIN, healthzRoute, listen } from './common.mjs';

const app = Fastify();
await app.register(helmet);
await app.register(cors, { origin: ALLOWED_ORIGIN });
await app.register(rateLimit, { max: 1_000_000_000, timeWindow: 60_000 });
healthzRoute(app);
await listen(app);
