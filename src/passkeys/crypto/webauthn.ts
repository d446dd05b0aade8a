/**
 * The WebAuthn ceremonies (WebAuthn Level 3 §7.1, §7.2), through `@simplewebauthn/server`: a thin
 * wrapper that fixes Rampart's choices in one place —
 * - registration asks for a discoverable credential (`residentKey: required`, a passkey usable
 *   without a username) with user verification required, attestation `none` (no vendor
 *   attestation is trusted or needed: decision 028), algorithms EdDSA, ES256, RS256;
 * - every verification requires user verification and user presence, checks the RP ID and the
 *   configured origins, and never throws: a refusal is `{ ok: false }`;
 * - the signature counter is NOT compared by the library (it is given 0): the service applies the
 *   counter rule itself (domain/passkey.ts) so that a cloned authenticator is told apart from a
 *   bad signature, and the store advances it by compare-and-set.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { CEREMONY_TIMEOUT_MS, TRANSPORTS, type Transport } from '../domain/passkey.js';

/** The relying party, from the configuration. */
export interface RelyingParty {
  readonly id: string;
  readonly name: string;
  readonly origins: readonly string[];
}

/** A credential as options list it (`excludeCredentials` / `allowCredentials`). */
export interface CredentialRef {
  readonly credentialId: string;
  readonly transports: readonly Transport[];
}

/** A verified registration: what is stored of the new credential. */
export interface Registered {
  readonly credentialId: string;
  readonly publicKey: string;
  readonly signCount: number;
  readonly transports: readonly Transport[];
  readonly aaguid: string;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
}

/** A verified assertion: the counter it presents and the backup state it reports. */
export interface Asserted {
  readonly signCount: number;
  readonly backedUp: boolean;
}

export type Verdict<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ALGORITHMS = [-8, -7, -257];

function refs(credentials: readonly CredentialRef[]): { id: string; transports: Transport[] }[] {
  return credentials.map((c) => ({ id: c.credentialId, transports: [...c.transports] }));
}

function transportsOf(values: readonly string[] | undefined): readonly Transport[] {
  return Object.freeze((values ?? []).filter((t): t is Transport => (TRANSPORTS as readonly string[]).includes(t)));
}

/** A refusal reason that names the failed rule without echoing anything the client sent. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/origin/i.test(message)) return 'wrong_origin';
  if (/rp ?id/i.test(message)) return 'wrong_rp_id';
  if (/user (was not )?verif/i.test(message)) return 'user_not_verified';
  if (/challenge/i.test(message)) return 'wrong_challenge';
  if (/signature/i.test(message)) return 'bad_signature';
  return 'invalid_response';
}

export async function registrationOptions(
  rp: RelyingParty,
  user: { readonly id: string; readonly email: string; readonly name: string | null },
  challenge: string,
  exclude: readonly CredentialRef[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userID: new TextEncoder().encode(user.id),
    userDisplayName: user.name ?? user.email,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: refs(exclude),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

export async function authenticationOptions(
  rp: RelyingParty,
  challenge: string,
  allow: readonly CredentialRef[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials: refs(allow),
  });
}

export async function verifyRegistration(
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  challenge: string,
): Promise<Verdict<Registered>> {
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      requireUserPresence: true,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return { ok: false, reason: 'invalid_response' };
    const info = result.registrationInfo;
    return {
      ok: true,
      value: Object.freeze({
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        signCount: info.credential.counter,
        transports: transportsOf(info.credential.transports ?? response.response.transports),
        aaguid: info.aaguid,
        backupEligible: info.credentialDeviceType === 'multiDevice',
        backedUp: info.credentialBackedUp,
      }),
    };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

export async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  credential: { readonly credentialId: string; readonly publicKey: string; readonly transports: readonly Transport[] },
): Promise<Verdict<Asserted>> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      // The counter rule is the service's (see the module comment): 0 disables the library's.
      credential: {
        id: credential.credentialId,
        publicKey: Buffer.from(credential.publicKey, 'base64url'),
        counter: 0,
        transports: [...credential.transports],
      },
      requireUserVerification: true,
    });
    if (!result.verified || !result.authenticationInfo.userVerified) return { ok: false, reason: 'user_not_verified' };
    return {
      ok: true,
      value: Object.freeze({ signCount: result.authenticationInfo.newCounter, backedUp: result.authenticationInfo.credentialBackedUp }),
    };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}
