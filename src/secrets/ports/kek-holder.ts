/**
 * Wrapped material that a later capability keeps under the secrets' KEK (the signing keyring's
 * Ed25519 seeds, for one), taking part in KEK rotation (`secrets/services/kek-rotation.ts`)
 * without the secrets capability knowing it: the holder registers itself on the secrets facade
 * (`Secrets.kekHolders`) when it composes.
 *
 * Guarantees a holder gives:
 * - {@link KekHolder.referencesTo} counts every item still wrapped under a KEK; KEK rotation
 *   neither retires nor destroys a KEK while any holder answers more than zero.
 * - {@link KekHolder.rewrap} moves each item not under the target KEK with one compare-and-set
 *   write (an item whose KEK changed meanwhile keeps its wrapping), so a crash leaves every item
 *   wrapped under one KEK or the other and a rerun finishes the work.
 */

/**
 * Unwraps `wrapped` under `fromKekId` and wraps the same bytes under the rotation's target KEK,
 * both bound to `aad` (the holder's own AAD, unchanged). `undefined` when `wrapped` fails its
 * authentication: the item is left as it is and counted as failed.
 */
export type RewrapOne = (fromKekId: string, wrapped: string, aad: Uint8Array) => Promise<string | undefined>;

export interface KekHolderRewrap {
  readonly rewrapped: number;
  /** Items that failed authentication and stay under their KEK (which then is not retired). */
  readonly failed: number;
}

export interface KekHolder {
  /** A short name for reports and the audit entry (`signing`). */
  readonly name: string;
  /** How many of the holder's items are wrapped under `kekId`. */
  referencesTo(kekId: string): Promise<number>;
  /** Rewraps every item not under `toKekId` through `rewrapOne`, each compare-and-set. */
  rewrap(toKekId: string, rewrapOne: RewrapOne): Promise<KekHolderRewrap>;
}

/** The holders registered on one composed secrets capability. */
export interface KekHolders {
  /** Adds a holder; a second holder of the same name is refused (a wiring mistake). */
  register(holder: KekHolder): void;
  list(): readonly KekHolder[];
}
