/**
 * Attribution of a V8 CPU profile (`node --cpu-prof`) to the layers of Rampart's request path,
 * for the profile suite (bench/suites/profile.mjs).
 *
 * Each busy sample (not `(idle)`) is given to ONE layer: walking its stack from the running
 * function towards the root, the first frame that is Rampart's code (dist/) names the layer by
 * its file; a frame of Fastify's own machinery (its hook runner, request handling, the writing
 * of the answer) stops the walk first and keeps the sample for "Fastify and Node". Callback-style
 * hooks continue into Fastify from inside Rampart's frames (a step calls `done()`), which is why
 * Fastify's machinery must stop the walk: the socket write of the answer runs under the last
 * `onSend` hook's frame, but it is not that hook's work.
 */

/** @typedef {{ id: string, label: string, files?: RegExp, frames?: RegExp }} Layer */

/** The layers, in the order they are printed. @type {Layer[]} */
export const LAYERS = [
  { id: 'fastify', label: 'Fastify and Node: parsing, routing, hooks, serialising and writing the answer' },
  { id: 'gc', label: 'garbage collection', frames: /^\(garbage collector\)$/ },
  { id: 'v8', label: 'V8 itself (compiling, inline caches: "(program)")', frames: /^\(program\)$/ },
  {
    id: 'edge',
    label: 'request id, CORS, security headers, method guard, draining, proxy check',
    files:
      /dist\/(kernel\/http\/chain\/(request-id|cors|security-headers|method-guard)|kernel\/crypto\/random|http\/(chain|proxy-warning))\.js$/,
  },
  {
    id: 'authentication',
    label: 'authentication (verified-token cache, revocation set)',
    files: /dist\/(kernel\/http\/chain\/authentication|identity\/tokens\/.*)\.js$/,
  },
  {
    id: 'sessions',
    label: 'browser-session layer (CSRF, password change and MFA enrolment owed)',
    files: /dist\/identity\/(browser|mfa|accounts\/services\/password-change-gate).*\.js$/,
  },
  { id: 'rate-limit', label: 'rate limiting', files: /dist\/kernel\/(http\/chain\/rate-limit|adapters\/memory\/memory-rate-limiter)\.js$/ },
  { id: 'pass', label: 'the request pass itself (running the steps and observers)', files: /dist\/kernel\/http\/chain\/request-pass\.js$/ },
  {
    id: 'plugins',
    label: 'authorization, idempotency, read audit, draining answer hook',
    files: /dist\/(kernel\/http\/chain\/(authorization|idempotency|read-audit|body-limit|validation)|http\/server)\.js$/,
  },
  { id: 'handler', label: 'the handler (/me: the cached caller, its JSON)', files: /dist\/identity\/accounts\/.*\.js$/ },
  {
    id: 'log',
    label: 'access log (line, batch, sonic-boom)',
    files: /(dist\/kernel\/(http\/chain\/logging|adapters\/log\/.*|domain\/redaction)\.js|node_modules\/(sonic-boom|pino)\/)/,
  },
  { id: 'metrics', label: 'metrics', files: /(dist\/kernel\/http\/chain\/metrics\.js|node_modules\/prom-client\/)/ },
  { id: 'other', label: 'other Rampart code', files: /dist\// },
];

/** Fastify's machinery: frames that stop the walk (the answer's writing, the hook runners, routing). */
const FASTIFY_MACHINERY =
  /node_modules\/(fastify\/(lib\/(hooks|handle-request|wrap-thenable|route|reply|context)\.js|fastify\.js)|find-my-way\/)/;
/** Of reply.js, only what Rampart calls as a utility goes on to Rampart's frame. */
const REPLY_UTILITIES = /^(Reply\.)?(header|headers|code|status|type|getHeader|hasHeader|removeHeader)$/;

/**
 * @param {{ nodes: { id: number, callFrame: { functionName: string, url: string }, children?: number[] }[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }} profile
 * @param {{ lastSeconds: number }} window only the samples of the profile's last `lastSeconds`
 * @returns {{ samples: number, layers: Record<string, number> }} busy samples, and each layer's share of them
 */
export function attribute(profile, window) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /** @type {Map<number, string>} */
  const layerOfNode = new Map();
  const layerOf = (/** @type {number} */ id) => {
    let layer = layerOfNode.get(id);
    if (layer === undefined) {
      layer = walk(id, byId, parent);
      layerOfNode.set(id, layer);
    }
    return layer;
  };
  const from = profile.endTime - window.lastSeconds * 1e6;
  /** @type {Record<string, number>} */
  const counts = {};
  let busy = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    if (time < from) return;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    busy++;
    const layer = layerOf(id);
    counts[layer] = (counts[layer] ?? 0) + 1;
  });
  /** @type {Record<string, number>} */
  const layers = {};
  for (const [layer, count] of Object.entries(counts)) layers[layer] = count / Math.max(busy, 1);
  return { samples: busy, layers };
}

/**
 * @param {number} id
 * @param {Map<number, { callFrame: { functionName: string, url: string } }>} byId
 * @param {Map<number, number>} parent
 */
function walk(id, byId, parent) {
  const leaf = byId.get(id)?.callFrame;
  for (const layer of LAYERS) if (layer.frames !== undefined && leaf !== undefined && layer.frames.test(leaf.functionName)) return layer.id;
  /** @type {number | undefined} */
  let current = id;
  while (current !== undefined) {
    const frame = byId.get(current)?.callFrame;
    if (frame !== undefined) {
      if (frame.url.includes('/dist/') || /node_modules\/(sonic-boom|pino|prom-client)\//.test(frame.url)) {
        const layer = LAYERS.find((candidate) => candidate.files?.test(frame.url));
        if (layer !== undefined) return layer.id;
      }
      if (FASTIFY_MACHINERY.test(frame.url) && !(frame.url.endsWith('/reply.js') && REPLY_UTILITIES.test(frame.functionName)))
        return 'fastify';
    }
    current = parent.get(current);
  }
  return 'fastify';
}
