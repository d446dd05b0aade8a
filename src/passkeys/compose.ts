/**
 * The passkeys capability on the kernel, identity and audit: WebAuthn credentials as a first
 * factor (username-less sign-in), as a second factor after a password, and as a step-up. Passkeys
 * register with identity as a second factor (`identity.otherFactors`), so the MFA challenge, the
 * admins' MFA requirement and step-up count them; every sign-in ends in identity's login answer.
 */
import type { Identity } from '../identity/index.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { SqlPasskeyChallengeStore } from './adapters/sql-passkey-challenge-store.js';
import { SqlPasskeyStore } from './adapters/sql-passkey-store.js';
import type { RelyingParty } from './crypto/webauthn.js';
import { authPasskeyRoutes } from './routes/auth-passkey.js';
import { mePasskeyRoutes } from './routes/me-passkeys.js';
import { passkeysPersonalData } from './routes/personal-data.js';
import { MyPasskeys } from './services/my-passkeys.js';
import { PasskeyCeremonies } from './services/passkey-ceremonies.js';
import { PasskeyEvents } from './services/passkey-events.js';
import { PasskeyRegistration } from './services/passkey-registration.js';
import { PasskeySignIn } from './services/passkey-sign-in.js';
import { PasskeyStepUp } from './services/passkey-step-up.js';

/** The identity services the passkeys use. */
export type PasskeyIdentity = Pick<Identity, 'users' | 'signIn' | 'mfaLogin' | 'otherFactors' | 'stepUp' | 'securityEvents'>;

/** The passkeys services, as the routes use them. */
export interface Passkeys {
  /** The relying party of every ceremony (RAMPART_WEBAUTHN_*). */
  readonly rp: RelyingParty;
  readonly registration: PasskeyRegistration;
  readonly mine: MyPasskeys;
  readonly signIn: PasskeySignIn;
  readonly stepUp: PasskeyStepUp;
  readonly identity: PasskeyIdentity;
}

export function composePasskeysPart(kernel: Kernel, earlier: Earlier): Promise<Part<Passkeys>> {
  const { config, clock } = kernel;
  const identity: PasskeyIdentity = earlier.need('identity', 'passkeys');
  const { log: audit } = earlier.need('audit', 'passkeys');
  const store = new SqlPasskeyStore(kernel.database.db);
  const rp: RelyingParty = Object.freeze({ id: config.webauthnRpId, name: config.webauthnRpName, origins: config.webauthnOrigins });
  const ceremonies = new PasskeyCeremonies({
    passkeys: store,
    challenges: new SqlPasskeyChallengeStore(kernel.database.db),
    rp,
    audit,
    clock,
  });
  const events = new PasskeyEvents(identity.securityEvents);
  // A user with a passkey has a second factor: challenged after a password, counted as enrolled, able to step up.
  identity.otherFactors.register({ method: 'passkey', has: (userId) => store.has(userId) });
  const passkeys: Passkeys = Object.freeze({
    rp,
    registration: new PasskeyRegistration({ ceremonies, users: identity.users, events, audit, clock }),
    mine: new MyPasskeys(store, audit, events),
    signIn: new PasskeySignIn({
      ceremonies,
      users: identity.users,
      pendingUser: (mfaToken, context) => identity.mfaLogin.pendingUser(mfaToken, context),
    }),
    stepUp: new PasskeyStepUp(ceremonies, identity.stepUp),
    identity,
  });
  return Promise.resolve({
    facade: passkeys,
    routes: async (app) => {
      await mePasskeyRoutes(app, passkeys);
      await authPasskeyRoutes(app, passkeys, config);
    },
    personalData: passkeysPersonalData(store),
  });
}
