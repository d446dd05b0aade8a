/** Peer (a): Fastify 5 with no plugin and no logger, serving the same /healthz. */
import Fastify from 'fastify';
import { healthzRoute, listen } from './common.mjs';

const app = Fastify();
healthzRoute(app);
await listen(app);
