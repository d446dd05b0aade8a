/**
 * The secrets part of the composition root (issue 7): the KEK source chosen by
 * `RAMPART_KEK_SOURCE`, the built-in SQL stores, the secret service and KEK rotation.
 */
import { Pkcs11Kek } from './adapters/pkcs11-kek.js';
import type { SqlDatabase } from '../kernel/adapters/sql/sql-database.js';
import { SqlSecretBackend } from './adapters/sql-secret-backend.js';
import type { Logger } from '../kernel/adapters/log/pino-logger.js';
import type { RampartConfig } from '../kernel/config.js';
import { masterKeyOf } from '../kernel/master-key.js';
import { MasterKeyKek } from './crypto/kek-master-key.js';
import type { AuditLog } from '../kernel/ports/audit-log.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { DataKeyStore } from './ports/data-key-store.js';
import type { KekProvider } from './ports/kek.js';
import type { KekRegistry } from './ports/kek-registry.js';
import type { SecretStore } from './ports/secret-store.js';
import { KekRotation } from './services/kek-rotation.js';
import { KekHolderRegistry } from './services/kek-holders.js';
import type { KekHolders } from './ports/kek-holder.js';
import { SecretService, type SecretServiceOptions } from './services/secret-service.js';
import { secretRoutes } from './routes/secrets.js';
import { secretsOrgData } from './adapters/sql-org-data.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';

export interface Secrets {
  readonly service: SecretService;
  readonly rotation: KekRotation;
  /** The versions of the orgs' secrets. */
  readonly secrets: SecretStore;
  /** The orgs' wrapped data keys, and rewrap across orgs (`rampart secrets rewrap`). */
  readonly dataKeys: DataKeyStore;
  /** The KEKs and the data keys each wraps. */
  readonly keks: KekRegistry;
  /** Where the KEKs' material lives (the master key or a PKCS#11 token). */
  readonly kek: KekProvider;
  /**
   * Where a later capability that keeps material wrapped under the KEK (the signing keyring)
   * registers it, so that KEK rotation rewraps it and keeps the old KEK until nothing needs it.
   */
  readonly kekHolders: KekHolders;
  close(): Promise<void>;
}

/** The KEK source of the configuration (opens the PKCS#11 token when that is the source). */
export function kekProviderOf(config: RampartConfig): KekProvider {
  if (config.kekSource === 'pkcs11') {
    if (config.pkcs11Module === undefined || config.pkcs11TokenLabel === undefined || config.pkcs11Pin === undefined) {
      throw new Error('RAMPART_KEK_SOURCE=pkcs11 needs RAMPART_PKCS11_MODULE, RAMPART_PKCS11_TOKEN_LABEL and RAMPART_PKCS11_PIN');
    }
    return new Pkcs11Kek({
      module: config.pkcs11Module,
      tokenLabel: config.pkcs11TokenLabel,
      pin: config.pkcs11Pin,
      keyLabelPrefix: config.pkcs11KeyLabel,
    });
  }
  return new MasterKeyKek(masterKeyOf(config), config.masterKey === undefined ? 'file' : 'environment');
}

export interface SecretsParts {
  readonly config: RampartConfig;
  readonly database: SqlDatabase;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly logger: Logger;
  /** Overrides for tests (a lower data-key rotation threshold). */
  readonly service?: Partial<Pick<SecretServiceOptions, 'maxEncryptionsPerDataKey' | 'reservationBlock'>>;
}

export function composeSecrets(parts: SecretsParts): Secrets {
  const kek = kekProviderOf(parts.config);
  const backend = new SqlSecretBackend(parts.database.db, parts.database.dialect);
  const service = new SecretService({
    backend,
    kek,
    audit: parts.audit,
    clock: parts.clock,
    // The alert names org, secret and version only: never a value, key or ciphertext.
    onAlert: (alert) => parts.logger.error({ alert }, 'security alert: a stored secret failed its integrity check'),
    ...parts.service,
  });
  const kekHolders = new KekHolderRegistry();
  return {
    service,
    // The rotation records its outcome (`secrets.kek.rotate`) in the audit log.
    rotation: new KekRotation(backend.keks, kek, parts.clock, kekHolders, parts.audit),
    secrets: backend.secrets,
    dataKeys: backend.dataKeys,
    keks: backend.keks,
    kek,
    kekHolders,
    async close() {
      service.forgetKeys();
      await kek.close();
    },
  };
}

/** The secrets capability on the kernel: the KEK source (opened here, closed on the stack), the service and its routes. */
export async function composeSecretsPart(kernel: Kernel, earlier: Earlier): Promise<Part<Secrets>> {
  const { log } = earlier.need('audit', 'secrets');
  const secrets = kernel.closers.add(
    'secrets',
    composeSecrets({ config: kernel.config, database: kernel.database, clock: kernel.clock, audit: log, logger: kernel.logger }),
  );
  return {
    facade: secrets,
    routes: (app) => secretRoutes(app, secrets),
    orgData: secretsOrgData(kernel.database.db, kernel.database.dialect),
  };
}
