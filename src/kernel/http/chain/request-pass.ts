/**
 * The lean request path (docs/decisions/032-lean-request-path.md): every layer of the chain that
 * acts before the body is read runs in ONE `onRequest` hook, as plain function calls in the
 * order of src/http/chain.ts's table, and every layer that observes the finished answer runs in
 * ONE `onResponse` hook. Fastify's cost per hook (its hook runner, a closure, a promise for an
 * `async` hook) is paid once instead of once per layer.
 *
 * What the pass guarantees:
 * - the steps run in table order, each at most once; a step that refuses (returns an `Error`)
 *   or answers (returns {@link answer}) ends the pass: no later step runs — except the steps
 *   marked `always` (the security headers), which run on every exit, so an early refusal, a
 *   preflight and a 404 carry the same headers as a success;
 * - a step that needs I/O returns a promise; every other step returns synchronously, so a
 *   request whose steps are all synchronous (a probe, a public call, a refused one) costs no
 *   promise at all;
 * - a step that throws is a refusal with that error, never a crash: the problems handler answers.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

/** A step that answered the request itself: the pass ends without running the route. */
export interface Answer {
  readonly status: number;
}

/** What a step returns: nothing (go on), an error (refuse with it) or an {@link Answer}. */
export type StepResult = undefined | Error | Answer;

/** A step's result, or the promise of one when the step needs I/O. */
export type StepOutcome = StepResult | PromiseLike<StepResult>;

/** One layer of the pass: a plain function of the request and its reply. */
export type RequestStep = (request: FastifyRequest, reply: FastifyReply) => StepOutcome;

/** One layer that observes an answer once it has been sent (logging, metrics). Never throws. */
export type ResponseObserver = (request: FastifyRequest, reply: FastifyReply) => void;

/** A step as the table gives it to the pass. */
export interface PassStep {
  readonly name: string;
  readonly run: RequestStep;
  /** Runs on every exit of the pass, after a refusal or an early answer too. */
  readonly always?: boolean;
  /** Checked when each route is added; a throw stops the start, naming the route. */
  readonly onRoute?: (route: RouteOptions) => void;
}

export interface RequestPassOptions {
  readonly steps: readonly PassStep[];
  readonly observers: readonly ResponseObserver[];
}

/** Ends the pass with `status` and no body (a preflight's 204). */
export function answer(status: number): Answer {
  return { status };
}

function isPromise(outcome: StepOutcome): outcome is PromiseLike<StepResult> {
  return typeof (outcome as { then?: unknown } | undefined)?.then === 'function';
}

type Done = (error?: Error) => void;

/** The steps of `steps` from `index` on that run on every exit (precomputed per start index). */
function alwaysAfter(steps: readonly PassStep[]): readonly (readonly RequestStep[])[] {
  return steps.map((_step, index) =>
    steps
      .slice(index + 1)
      .filter((step) => step.always === true)
      .map((step) => step.run),
  );
}

/** Builds the `onRequest` hook that runs `steps` in order. */
export function passRunner(steps: readonly PassStep[]): (request: FastifyRequest, reply: FastifyReply, done: Done) => void {
  const runs = steps.map((step) => step.run);
  const finals = alwaysAfter(steps);

  /** The pass ends early at step `index` with `result`: run the `always` steps left, then leave. */
  function finish(index: number, result: Error | Answer, request: FastifyRequest, reply: FastifyReply, done: Done): void {
    // The `always` steps are synchronous header steps; a throw there must not hide the refusal.
    for (const run of finals[index] ?? []) {
      try {
        run(request, reply);
      } catch {
        // The refusal or answer below still leaves; its headers are the problems handler's.
      }
    }
    if (result instanceof Error) done(result);
    else void reply.code(result.status).send();
  }

  function from(index: number, request: FastifyRequest, reply: FastifyReply, done: Done): void {
    for (let i = index; i < runs.length; i++) {
      let outcome: StepOutcome;
      try {
        outcome = (runs[i] as RequestStep)(request, reply);
      } catch (error) {
        finish(i, error instanceof Error ? error : new Error(String(error)), request, reply, done);
        return;
      }
      if (outcome === undefined) continue;
      if (isPromise(outcome)) {
        outcome.then(
          (result) => (result === undefined ? from(i + 1, request, reply, done) : finish(i, result, request, reply, done)),
          (error: unknown) => finish(i, error instanceof Error ? error : new Error(String(error)), request, reply, done),
        );
        return;
      }
      finish(i, outcome, request, reply, done);
      return;
    }
    done();
  }

  return (request, reply, done) => {
    request.routeConfig = request.routeOptions.config;
    from(0, request, reply, done);
  };
}

/** Builds the `onResponse` hook that runs every observer; one failing never stops the others. */
export function observerRunner(observers: readonly ResponseObserver[]): (request: FastifyRequest, reply: FastifyReply, done: Done) => void {
  return (request, reply, done) => {
    for (const observe of observers) {
      try {
        observe(request, reply);
      } catch {
        // An observer that fails (a full log pipe) must not fail an answer already sent.
      }
    }
    done();
  };
}

const requestPass: FastifyPluginAsync<RequestPassOptions> = async (app: FastifyInstance, options) => {
  app.decorateRequest('requestId', '');
  app.decorateRequest('principal', undefined);
  app.decorateRequest('routeConfig', null as never);
  const checks = options.steps.flatMap((step) => (step.onRoute === undefined ? [] : [step.onRoute]));
  if (checks.length > 0) {
    app.addHook('onRoute', (route) => {
      for (const check of checks) check(route);
    });
  }
  // One hook of each kind, callback style: Fastify awaits no promise of ours.
  app.addHook('onRequest', passRunner(options.steps));
  if (options.observers.length > 0) app.addHook('onResponse', observerRunner(options.observers));
};

/**
 * The plugin of the pass. It decorates `request.requestId`, `request.principal` and
 * `request.routeConfig`, so the layers
 * after it (authorization, idempotency, the browser layer's `onSend`) declare it as their dependency.
 */
export default fp(requestPass, { name: 'rampart-request-pass', fastify: '5.x', dependencies: [] });
