/**
 * The signing part of the composition root (issue 16 items 1–3): the keyring on the secrets' KEK,
 * the artifact signer (DSSE, logged in the audit tree, the bundle), the verifier, and their routes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { AuditArtifactLog } from './adapters/audit-artifact-log.js';
import { KekSeedSealer } from './adapters/kek-seed-sealer.js';
import { SecretHmacKeys } from './adapters/secret-hmac-keys.js';
import { SigningKekHolder } from './adapters/signing-kek-holder.js';
import { SqlSigningKeyStore } from './adapters/sql-signing-key-store.js';
import type { Signing } from './index.js';
import { artifactRoutes } from './routes/artifacts.js';
import { ArtifactSigner } from './services/artifact-signer.js';
import { ArtifactVerifier } from './services/artifact-verifier.js';
import { Keyring } from './services/keyring.js';

/** The signing capability on the kernel: the keyring (the facade) and the artifact routes. */
export function composeSigningPart(kernel: Kernel, earlier: Earlier): Promise<Part<Signing>> {
  const auditing = earlier.need('audit', 'signing');
  const secrets = earlier.need('secrets', 'signing');
  const store = new SqlSigningKeyStore(kernel.database.db);
  // KEK rotation rewraps the seeds and keeps an old KEK while a seed is still under it.
  secrets.kekHolders.register(new SigningKekHolder(store));
  const keyring = new Keyring({
    store,
    sealer: new KekSeedSealer(secrets, kernel.clock),
    audit: auditing.log,
    clock: kernel.clock,
    retiredWindowMs: kernel.config.signingRetiredKeyWindow * 1000,
  });
  const log = new AuditArtifactLog(auditing);
  const signer = new ArtifactSigner({
    keyring,
    hmacKeys: new SecretHmacKeys(secrets, kernel.clock),
    audit: auditing.log,
    log,
    sleep: (ms) => sleep(ms),
  });
  const verifier = new ArtifactVerifier({ keyring, log, audit: auditing.log, clock: kernel.clock });
  const facade: Signing = {
    sign: (purpose, bytes) => keyring.sign(purpose, bytes),
    verify: (purpose, keyId, bytes, signature, at) => keyring.verify(purpose, keyId, bytes, signature, at),
    jwks: () => keyring.jwks(),
    rotate: (purpose) => keyring.rotate(purpose),
  };
  return Promise.resolve({ facade, routes: (app) => artifactRoutes(app, { signer, verifier }, kernel.config) });
}
