/**
 * TLS settings for `RAMPART_TLS_CERT`/`RAMPART_TLS_KEY`: TLS 1.2 and 1.3 only, and only AEAD
 * suites with forward secrecy (ECDHE key exchange; AES-GCM or ChaCha20-Poly1305). Node's default
 * list still offers CBC suites for TLS 1.2 (ASVS V12.1.2 refuses them) and CCM in TLS 1.3.
 * A file that cannot be read, or a key that does not belong to the certificate, stops the start
 * with a {@link ConfigError} naming the variable, not an OpenSSL error string.
 */
import { parseCertificate, parsePrivateKey, type KeyObject } from '../kernel/crypto/pem.js';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type TlsOptions } from 'node:tls';
import { ConfigError } from '../kernel/config.js';

export const TLS_CIPHERS = [
  // TLS 1.3 (all AEAD, all forward-secret); TLS_AES_128_CCM_8_SHA256 deliberately absent.
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  // TLS 1.2: ECDHE + AEAD only.
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/** `read()`, or a {@link ConfigError} naming `variable` (never the library's message: it may quote the file). */
function parse<T>(variable: string, what: string, read: () => T): T {
  try {
    return read();
  } catch {
    throw new ConfigError(variable, what);
  }
}

/**
 * The HTTPS server's options; throws {@link ConfigError} when the pair cannot be used. OpenSSL
 * itself only notices a key of the certificate's own type that does not match: an RSA key given
 * with an ECDSA certificate would start a server on which every handshake fails.
 */
export function tlsOptions(certFile: string, keyFile: string): TlsOptions & SecureContextOptions {
  const cert = parse('RAMPART_TLS_CERT', `${certFile} cannot be read`, () => readFileSync(certFile));
  const key = parse('RAMPART_TLS_KEY', `${keyFile} cannot be read`, () => readFileSync(keyFile));
  // The first certificate of the file is the server's own; any others are its chain.
  const leaf = parse('RAMPART_TLS_CERT', `${certFile} does not start with a PEM certificate`, () => parseCertificate(cert));
  const privateKey: KeyObject = parse('RAMPART_TLS_KEY', `${keyFile} is not an unencrypted PEM private key`, () => parsePrivateKey(key));
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new ConfigError('RAMPART_TLS_KEY', `${keyFile} is not the private key of the certificate in ${certFile}`);
  }
  const options: TlsOptions & SecureContextOptions = {
    cert,
    key,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
  };
  parse('RAMPART_TLS_CERT', `${certFile} and ${keyFile} cannot be used by OpenSSL`, () => createSecureContext(options));
  return options;
}
