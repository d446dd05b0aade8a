/**
 * `rampart doctor`: checks of a deployment's posture, each pass, warn or fail with a reason.
 * A fail means "do not run like this": the command exits 1.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { parseCertificate, type X509Certificate } from '../kernel/crypto/pem.js';
import { inspectDataDirectory } from '../kernel/adapters/fs/data-directory.js';
import { masterKeyPath, readMasterKeyFile } from '../kernel/adapters/fs/master-key-file.js';
import { startsUnderToken } from '../kernel/custody/key-custody.js';
import { sealedRootPath } from '../kernel/custody/sealed-root-file.js';
import { Pkcs11Kek } from '../secrets/index.js';
import { bootstrapNoticePath, readBootstrapNotice } from '../identity/index.js';
import type { RampartConfig } from '../kernel/config.js';
import type { DoctorCheck } from '../kernel/part.js';
import { Secret } from '../kernel/domain/secret.js';

export type CheckStatus = DoctorCheck['status'];

export type Check = DoctorCheck;

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function checkDataDirectory(config: RampartConfig): Check {
  const name = 'data-directory';
  if (!existsSync(config.dataDir))
    return { name, status: 'warn', reason: `${config.dataDir} does not exist yet (rampart init creates it 0700)` };
  const findings = inspectDataDirectory(config.dataDir);
  if (findings.length > 0) {
    const list = findings.map(
      (f) => `${f.path} is ${f.mode.toString(8).padStart(4, '0')} (want ${f.expected.toString(8).padStart(4, '0')})`,
    );
    return { name, status: 'fail', reason: `readable by other users: ${list.join('; ')}` };
  }
  return { name, status: 'pass', reason: `${config.dataDir} is 0700 and its files 0600` };
}

export function checkMasterKey(config: RampartConfig): Check {
  const name = 'master-key';
  // Under token custody (kernel/custody/key-custody.ts) the master key is not used; key-custody says where keys live.
  if (existsSync(sealedRootPath(config.dataDir)) || startsUnderToken(config)) {
    return { name, status: 'pass', reason: 'not needed: the root key is sealed by the PKCS#11 token (see key-custody)' };
  }
  if (config.masterKey !== undefined)
    return { name, status: 'pass', reason: 'RAMPART_MASTER_KEY is set (the key lives outside the database)' };
  const path = masterKeyPath(config.dataDir);
  if (!existsSync(path))
    return { name, status: 'warn', reason: `no RAMPART_MASTER_KEY and no ${path} yet: one will be generated at first start` };
  try {
    readMasterKeyFile(config.dataDir);
  } catch {
    return { name, status: 'fail', reason: `${path} does not hold a base64 32-byte key` };
  }
  if ((statSync(path).mode & 0o077) !== 0) return { name, status: 'fail', reason: `${path} is readable by other users` };
  return {
    name,
    status: 'warn',
    reason: `the key-encryption key is a file beside the data it protects (${path}); set RAMPART_MASTER_KEY from a secret store, and back the file up`,
  };
}

/** Where the secrets' key-encryption key lives (RAMPART_KEK_SOURCE); opens the PKCS#11 token to check it. */
export function checkKekSource(config: RampartConfig): Check {
  const name = 'kek-source';
  if (config.kekSource === 'master-key') {
    if (config.masterKey !== undefined) {
      return { name, status: 'pass', reason: 'secrets: KEKs derived from RAMPART_MASTER_KEY (HKDF per KEK id), never stored' };
    }
    return {
      name,
      status: 'warn',
      reason: `secrets: KEKs derived from the key file ${masterKeyPath(config.dataDir)} beside the data; prefer RAMPART_MASTER_KEY or RAMPART_KEK_SOURCE=pkcs11`,
    };
  }
  const module = config.pkcs11Module ?? '';
  if (!existsSync(module)) return { name, status: 'fail', reason: `RAMPART_PKCS11_MODULE ${module} does not exist` };
  try {
    const kek = new Pkcs11Kek({
      module,
      tokenLabel: config.pkcs11TokenLabel ?? '',
      pin: config.pkcs11Pin ?? new Secret(''),
      keyLabelPrefix: config.pkcs11KeyLabel,
    });
    const device = kek.describe().device ?? 'unknown device';
    void kek.close();
    return {
      name,
      status: 'pass',
      reason: `secrets: KEK in PKCS#11 token ${config.pkcs11TokenLabel ?? ''} (${device}); generated there, never extractable`,
    };
  } catch {
    return {
      name,
      status: 'fail',
      reason: `the PKCS#11 token ${config.pkcs11TokenLabel ?? ''} could not be opened with the configured PIN (module ${module})`,
    };
  }
}

/**
 * Whether the certificate file's chain (the leaf first, then what the file adds) ends in a root of
 * Node's store, the one public clients trust: a self-signed or private-CA certificate does not.
 */
function publiclyTrusted(certFile: string): boolean {
  try {
    const pems = readFileSync(certFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const chain = pems.map((pem) => parseCertificate(pem));
    const roots = rootCertificates.map((pem) => parseCertificate(pem));
    const issued = (child: X509Certificate, parent: X509Certificate): boolean =>
      child.checkIssued(parent) && child.verify(parent.publicKey);
    let last = chain[0];
    for (const next of chain.slice(1)) {
      if (last === undefined || !issued(last, next)) break;
      last = next;
    }
    return (
      last !== undefined && roots.some((root) => issued(last, root) || (last.fingerprint256 === root.fingerprint256 && issued(last, last)))
    );
  } catch {
    return false;
  }
}

export function checkTls(config: RampartConfig): Check {
  const name = 'tls';
  if (config.tlsCert !== undefined) {
    for (const file of [config.tlsCert, config.tlsKey ?? '']) {
      if (!existsSync(file)) return { name, status: 'fail', reason: `${file} does not exist` };
    }
    if (config.tlsKey !== undefined && (statSync(config.tlsKey).mode & 0o077) !== 0) {
      return { name, status: 'fail', reason: `${config.tlsKey} (the TLS private key) is readable by other users` };
    }
    if (!publiclyTrusted(config.tlsCert)) {
      return {
        name,
        status: 'warn',
        reason: `${config.tlsCert} is not issued by a publicly trusted CA: clients must be given its root (ASVS V12.2.2)`,
      };
    }
    return { name, status: 'pass', reason: 'HTTPS only: TLS 1.2/1.3, AEAD suites with forward secrecy, HSTS' };
  }
  if (config.publicUrl.startsWith('https:') && config.trustProxy !== false) {
    return { name, status: 'pass', reason: 'TLS is terminated by the listed proxy (RAMPART_PUBLIC_URL is https)' };
  }
  if (isLoopbackHost(config.host)) {
    return { name, status: 'warn', reason: 'plain HTTP, listening on loopback only: fine behind a local TLS proxy or for development' };
  }
  return {
    name,
    status: 'fail',
    reason: `plain HTTP on ${config.host}: set RAMPART_TLS_CERT/RAMPART_TLS_KEY or terminate TLS at a listed proxy`,
  };
}

const WEAK_PASSWORDS = new Set(['postgres', 'password', 'admin', 'root', 'secret', 'changeme', 'rampart']);

export function checkDefaultSecrets(config: RampartConfig): Check {
  const name = 'default-secrets';
  if (config.databaseUrl !== undefined) {
    const password = decodeURIComponent(new URL(config.databaseUrl.reveal()).password);
    if (WEAK_PASSWORDS.has(password.toLowerCase())) {
      return { name, status: 'fail', reason: 'RAMPART_DATABASE_URL uses a default password' };
    }
  }
  if (config.bootstrapAdminPassword !== undefined) {
    return {
      name,
      status: 'warn',
      reason: 'RAMPART_BOOTSTRAP_ADMIN_PASSWORD is set: remove it from the environment once the admin exists',
    };
  }
  if (config.securityContact.startsWith('mailto:security@127.') || config.securityContact === 'mailto:security@localhost') {
    return { name, status: 'warn', reason: 'RAMPART_SECURITY_CONTACT is the default: set a contact that reaches you' };
  }
  return { name, status: 'pass', reason: 'no default credentials in the configuration' };
}

export function checkTrustProxy(config: RampartConfig): Check {
  const name = 'trust-proxy';
  if (config.trustProxy === false) return { name, status: 'pass', reason: 'X-Forwarded-For is ignored (no proxy trusted)' };
  const open = config.trustProxy.filter((entry) => {
    const [address = '', bits] = entry.split('/');
    return bits !== undefined && Number(bits) === 0 && isIP(address) !== 0;
  });
  if (open.length > 0) return { name, status: 'fail', reason: `${open.join(', ')} trusts every address to set its own client IP` };
  return { name, status: 'pass', reason: `X-Forwarded-For honoured only from ${config.trustProxy.join(', ')}` };
}

export function checkCors(config: RampartConfig): Check {
  const name = 'cors';
  if (config.corsOrigins.length === 0) return { name, status: 'pass', reason: 'no cross-origin access' };
  const insecure = config.corsOrigins.filter((origin) => origin.startsWith('http:') && !isLoopbackHost(new URL(origin).hostname));
  if (insecure.length > 0) {
    return { name, status: 'warn', reason: `plain-HTTP origins may send credentialed requests: ${insecure.join(', ')}` };
  }
  return { name, status: 'pass', reason: `credentialed access only for ${config.corsOrigins.join(', ')}` };
}

/** The SSRF guard's allow-list: set, it opens networks the guard would refuse (docs/decisions/017-ssrf-guard.md). */
export function checkOutboundAllowList(config: RampartConfig): Check {
  const name = 'outbound_allow_list';
  if (config.outboundAllowCidrs.length === 0) {
    return { name, status: 'pass', reason: 'outbound requests reach public addresses only' };
  }
  return {
    name,
    status: 'warn',
    reason: `outbound requests (webhooks…) may reach ${config.outboundAllowCidrs.join(', ')} although the SSRF guard denies them: keep this to a known internal receiver`,
  };
}

/**
 * Whether RAMPART_PUBLIC_URL names an address clients can use: on loopback while the server
 * listens on every interface (clients elsewhere get an issuer they cannot reach, and their
 * browsers' origin fails the CSRF rule), or on loopback with another port than the server's.
 */
export function checkPublicUrl(config: RampartConfig): Check {
  const name = 'public-url';
  const url = new URL(config.publicUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  if (everywhere && isLoopbackHost(host)) {
    return {
      name,
      status: 'warn',
      reason:
        `RAMPART_PUBLIC_URL is ${config.publicUrl}, a loopback address, while the server listens on every interface (RAMPART_HOST=${config.host}): ` +
        'clients on other machines get tokens whose issuer they cannot reach and are refused by the CSRF origin rule; set RAMPART_PUBLIC_URL to the URL they use',
    };
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (isLoopbackHost(host) && config.port !== 0 && port !== config.port && config.tlsCert === undefined) {
    return {
      name,
      status: 'warn',
      reason: `RAMPART_PUBLIC_URL is ${config.publicUrl} but the server listens on port ${config.port}: clients on this machine reach port ${config.port}; set RAMPART_PUBLIC_URL to match, or unset it (it defaults to the listening address)`,
    };
  }
  return { name, status: 'pass', reason: `clients reach Rampart at ${config.publicUrl} (token issuer and CSRF origin)` };
}

/** The bootstrap admin's generated password, still in its file in the data directory: unchanged. */
export function checkBootstrapPassword(config: RampartConfig): Check {
  const name = 'bootstrap-admin';
  const waiting = existsSync(config.dataDir) ? readBootstrapNotice(config.dataDir) : undefined;
  if (waiting === undefined) return { name, status: 'pass', reason: 'no generated admin password is waiting to be changed' };
  return {
    name,
    status: 'warn',
    reason: `the generated password of the platform admin ${waiting.email} is unchanged (it is in ${bootstrapNoticePath(config.dataDir)}): sign in and change it`,
  };
}

/** Every check that needs no connection, in report order. */
export function postureChecks(config: RampartConfig): Check[] {
  return [
    checkDataDirectory(config),
    checkMasterKey(config),
    checkKekSource(config),
    checkTls(config),
    checkDefaultSecrets(config),
    checkTrustProxy(config),
    checkCors(config),
    checkOutboundAllowList(config),
    checkPublicUrl(config),
    checkBootstrapPassword(config),
  ];
}
