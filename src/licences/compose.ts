/**
 * The licences part of the composition root (issue 16 items 4–5): the SQL store, the activation
 * tokens signed through the signing capability's `licences` keys, the two services and their
 * routes. Nothing is opened here that needs closing: every status check reads the database, so
 * there is no revocation cache or subscription to keep.
 */
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { SqlLicenceStore } from './adapters/sql-licence-store.js';
import { activationRoutes } from './routes/activation.js';
import { licenceRoutes } from './routes/licences.js';
import { ActivationService } from './services/activation-service.js';
import { ActivationTokens } from './services/activation-tokens.js';
import { LicenceService } from './services/licence-service.js';

/** The licences, as the routes, the benchmark and an embedding application use them. */
export interface Licences {
  readonly licences: LicenceService;
  readonly activations: ActivationService;
  readonly tokens: ActivationTokens;
}

export async function composeLicencesPart(kernel: Kernel, earlier: Earlier): Promise<Part<Licences>> {
  const signer = earlier.need('signing', 'licences');
  const { log: audit } = earlier.need('audit', 'licences');
  const { config, clock, database } = kernel;
  const store = new SqlLicenceStore(database.db, database.dialect);
  const tokens = new ActivationTokens({
    signer,
    clock,
    issuer: config.publicUrl,
    ttl: config.licenceTokenTtl,
    grace: config.licenceGracePeriod,
  });
  const facade: Licences = Object.freeze({
    licences: new LicenceService({ store, signer, audit, clock }),
    activations: new ActivationService({
      store,
      signer,
      tokens,
      audit,
      clock,
      limiter: kernel.rateLimiter,
      perLicencePerMinute: config.licenceActivationRateLimit,
    }),
    tokens,
  });
  return Promise.resolve({
    facade,
    routes: async (app) => {
      await licenceRoutes(app, facade.licences);
      await activationRoutes(app, facade.activations, config);
    },
  });
}
