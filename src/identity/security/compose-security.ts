/**
 * Identity's security events and new-device alerts, built from identity's stores and the mail
 * facade: the recorder other modules call (`identity.securityEvents`), the sign-in watch the
 * login service calls, and their routes.
 */
import type { FastifyInstance } from 'fastify';
import type { Mail } from '../../mail/index.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { RampartConfig } from '../../kernel/config.js';
import { deriveKey } from '../../kernel/crypto/derive-key.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { PersonalDataSection } from '../../kernel/part.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { DeviceTokens } from '../accounts/crypto/device-token.js';
import type { SignInHistory } from '../accounts/ports/sign-in-history.js';
import type { UserStore } from '../accounts/ports/user-store.js';
import type { SessionRevoker } from '../sessions/services/session-revoker.js';
import { SqlSecurityEventStore } from './adapters/sql-security-event-store.js';
import { SecurityTokens } from './crypto/security-tokens.js';
import { securityPersonalData } from './routes/security-personal-data.js';
import { securityRoutes } from './routes/security-routes.js';
import { NewDeviceAlerts } from './services/new-device-alerts.js';
import { SecurityEvents } from './services/security-events.js';

export interface SecurityPartOptions {
  readonly config: RampartConfig;
  readonly db: RampartKysely;
  readonly masterKey: Secret<Buffer>;
  readonly mail: Pick<Mail, 'queue'>;
  readonly users: UserStore;
  readonly history: SignInHistory;
  readonly deviceTokens: DeviceTokens;
  readonly revoker: SessionRevoker;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly onError: (what: string) => (error: unknown) => void;
}

export interface SecurityPart {
  readonly events: SecurityEvents;
  readonly newDevices: NewDeviceAlerts;
  routes(app: FastifyInstance): Promise<void>;
  /** The export's `security_events` section. */
  readonly personalData: PersonalDataSection;
}

export function composeSecurity(o: SecurityPartOptions): SecurityPart {
  const store = new SqlSecurityEventStore(o.db);
  const tokens = new SecurityTokens(deriveKey(o.masterKey, 'security-events'));
  const events = new SecurityEvents({
    store,
    users: o.users,
    mail: o.mail,
    clock: o.clock,
    onError: o.onError('security event not recorded'),
  });
  const newDevices = new NewDeviceAlerts({
    store,
    events,
    history: o.history,
    deviceTokens: o.deviceTokens,
    tokens,
    users: o.users,
    revoker: o.revoker,
    audit: o.audit,
    clock: o.clock,
    publicUrl: o.config.publicUrl,
    linkTtlMs: o.config.newDeviceLinkTtl * 1000,
    onError: o.onError('new-device alert not sent'),
  });
  return {
    events,
    newDevices,
    personalData: securityPersonalData(o.db),
    routes: (app) => securityRoutes(app, { events, alerts: newDevices, tokens, linkRateLimit: o.config.loginRateLimit * 10 }),
  };
}
