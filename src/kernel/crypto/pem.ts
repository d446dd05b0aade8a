/** PEM material parsed by Node's crypto: a certificate (X.509) and an unencrypted private key. */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

export type { KeyObject, X509Certificate };

/** The first certificate of a PEM text; throws when there is none. */
export function parseCertificate(pem: string | Buffer): X509Certificate {
  return new X509Certificate(pem);
}

/** An unencrypted PEM private key; throws when the text is not one. */
export function parsePrivateKey(pem: string | Buffer): KeyObject {
  return createPrivateKey(pem);
}
