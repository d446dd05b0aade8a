/**
 * TLS settings for `RAMPART_TLS_CERT`/`RAMPART_TLS_KEY`: TLS 1.2 and 1.3 only, and only AEAD
 * suites with forward secrecy (ECDHE key exchange; AES-GCM or ChaCha20-Poly1305). Node's default
 * list still offers CBC suites for TLS 1.2 (ASVS V12.1.2 refuses them) and CCM in TLS 1.3.
 */
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

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

export function tlsOptions(certFile: string, keyFile: string): TlsOptions & SecureContextOptions {
  return {
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
  };
}
