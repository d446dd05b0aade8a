/**
 * What a capability contributes, as one typed descriptor (better-auth's plugin, made typed and
 * explicit). `src/capabilities.ts` lists the capabilities in composition order; the composition
 * root, the server, the CLI, org deletion and the README drift tests iterate over that list and
 * over the composed parts instead of keeping central lists.
 *
 * Rules:
 * 1. A capability is composed after every capability it uses, and reaches them only through
 *    {@link Earlier.need}, which fails the start naming both when the order is wrong.
 * 2. Everything a capability opens (a subscription, a timer, a connection, a token) is pushed on
 *    `kernel.closers` the moment it is open, so a start that fails later, and `close()` at
 *    shutdown, close it in reverse order (`close-stack.ts`).
 * 3. A route receives its capability's facade, never the whole `Rampart`.
 * 4. Each capability adds its facade's type to {@link Facades} and, where it takes an option
 *    of its own, to {@link RampartOptions}, by declaration merging in its `index.ts`.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Metric } from 'prom-client';
import type { CloseStack } from './close-stack.js';
import type { Output } from './cli/output.js';
import type { ConfigVariable, RampartConfig } from './config.js';
import type { Logger } from './adapters/log/pino-logger.js';
import type { SqlDatabase } from './adapters/sql/sql-database.js';
import type { EventType } from './domain/events.js';
import type { Secret } from './domain/secret.js';
import type { TenantScope } from './domain/tenant-scope.js';
import type { AuditLog } from './ports/audit-log.js';
import type { Authenticator } from './ports/authenticator.js';
import type { Authorizer } from './ports/authorizer.js';
import type { Clock } from './ports/clock.js';
import type { IdempotencyStore } from './ports/idempotency-store.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import type { ReadinessProbe } from './ports/readiness-probe.js';
import type { RevocationBus } from './ports/revocation-bus.js';

/**
 * The composed capabilities' facades, by name. Empty here: each capability's `index.ts` adds its
 * own entry (`declare module '../kernel/part.js' { interface Facades { audit: Auditing } }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface Facades {}

export type CapabilityName = keyof Facades;

/** Options of `createRampart`; capabilities add their own by declaration merging. */
export interface RampartOptions {
  /** The logger to use; by default a redacting pino logger on stdout at RAMPART_LOG_LEVEL. */
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Authenticators asked in order by the authentication layer, after Rampart's own. */
  readonly authenticators?: readonly Authenticator[];
  /** Replaces the tenant authorizer (the chain's and the credentials' decision). */
  readonly authorizer?: Authorizer;
  /** Where audit events go instead of the tamper-evident log on the database (tests of other parts). */
  readonly audit?: AuditLog;
  /**
   * Whether this start runs background work: job workers, webhook deliveries, backup and drill
   * schedules. Default true; a CLI command that composes Rampart for its own work passes false,
   * so that it takes no job, sends no webhook and starts no backup beside a running server.
   */
  readonly background?: boolean;
}

/** The shared handles every capability is composed from: opened first, closed last. */
export interface Kernel {
  readonly config: RampartConfig;
  readonly options: RampartOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: SqlDatabase;
  readonly redis: Redis | undefined;
  readonly rateLimiter: RateLimiter;
  readonly idempotency: IdempotencyStore;
  /** Spreads revocations (sessions, API keys, clients, authorization changes) to every instance. */
  readonly bus: RevocationBus;
  /** Every capability's tenant tables, in composition order: what deleting an org removes. */
  readonly tenantTables: readonly string[];
  /** Every capability's event types (the webhooks' catalogue), in composition order. */
  readonly eventTypes: readonly EventType[];
  /** The data-directory files every capability adds to a backup (`Capability.backup`), beyond the database. */
  readonly backupFiles: readonly string[];
  /**
   * Every composed capability's export sections, in composition order: complete once the start
   * is, so read it when a request comes, not while composing.
   */
  personalData(): readonly PersonalDataSection[];
  /**
   * Every composed capability's sections of an org's export, in composition order: complete once
   * the start is, so read it when a request comes, not while composing.
   */
  orgData(): readonly OrgDataSection[];
  /** Every capability's retention rules and processing activities, in composition order. */
  readonly privacy?: PrivacyDeclarations;
  /** Where each capability pushes what it opens, as soon as it is open. */
  readonly closers: CloseStack;
  /** The master key (RAMPART_MASTER_KEY, else the key file in the data directory), read once. */
  masterKey(): Secret<Buffer>;
  /**
   * The key of every list route's cursors (kernel/http/cursor.ts): derived once, for that one
   * purpose (`list-cursor`), from the deployment's key material. The only place it is derived.
   */
  cursorKey(): Secret<Buffer>;
  /** Logs a background failure (`what` names the work) without a stack reaching a response. */
  onError(what: string): (error: unknown) => void;
}

/** The facades composed so far. */
export interface Earlier {
  /** The facade of `name`; throws when `name` is not composed before `by` (an ordering error). */
  need<K extends CapabilityName>(name: K, by: CapabilityName): Facades[K];
}

/**
 * One section of the caller's data export (`GET /api/v1/me/export`, GDPR Art. 15/20): a top-level
 * key of the document. Each capability contributes the sections of the personal data it holds,
 * so that a capability added later is exported without editing the export.
 */
export interface PersonalDataSection {
  /** The section's key in the document (`sessions`, `api_keys`…), unique across capabilities. */
  readonly key: string;
  /** Its JSON Schema (TypeBox), for the answer's schema in the OpenAPI document. */
  readonly schema: TSchema;
  /**
   * The section of `userId`, as JSON: metadata only — never a secret, a hash of one, or another
   * person's personal fields. `sessionId` is the caller's current session, if any.
   */
  read(userId: string, caller: { readonly sessionId: string | undefined }): Promise<unknown>;
}

/** One cell of an org export's row: flat, so that every section is also one CSV table. */
export type OrgDataValue = string | number | boolean | null | readonly string[];

/** One row of an org export's section, by column. */
export type OrgDataRow = Readonly<Record<string, OrgDataValue>>;

/** One page of a section's rows, and where the next one starts (`undefined`: the last page). */
export interface OrgDataPage {
  readonly rows: readonly OrgDataRow[];
  readonly next: string | undefined;
}

/**
 * One section of an org's export (`GET /api/v1/orgs/{org}/export`, GDPR Art. 20): a table of the
 * org's data that one capability holds (`members`, `secrets`…). Each capability contributes the
 * sections of the org data it stores, so that a capability added later is exported without
 * editing the export. Metadata only: never a secret value, a key, a hash of one, or ciphertext.
 */
export interface OrgDataSection {
  /** The section's key (`members`, `api_keys`…), unique across capabilities: `[a-z][a-z0-9_]*`. */
  readonly key: string;
  /** What a row is, for the OpenAPI description. */
  readonly description: string;
  /**
   * The schema of one row (TypeBox): an object whose properties are the columns, in CSV order,
   * each a string, number, boolean, null or array of strings (a CSV cell joins those with spaces).
   */
  readonly row: TObject;
  /**
   * At most `limit` of the org's rows, in a stable order, after `after` (the previous page's
   * `next`, opaque to the caller; `undefined` for the first page). Reads under `scope` only.
   */
  page(scope: TenantScope, after: string | undefined, limit: number): Promise<OrgDataPage>;
}

/**
 * One retention rule (issue 22 item 2): rows of `table` that ended more than the configured number
 * of days ago are deleted by the compliance capability's purge. A row has ended when any of its
 * `ended` columns (bigint ms) is set and older than the cut-off; `only`, when set, narrows the rule
 * to rows whose column holds one of the values (a delivery that is done, a mail that was sent).
 */
export interface RetentionRule {
  /** What the rows are, for the purge's counts and the record of processing (`ended_sessions`…): `[a-z][a-z0-9_]*`, unique. */
  readonly kind: string;
  readonly table: string;
  readonly ended: readonly string[];
  readonly only?: { readonly column: string; readonly values: readonly string[] };
  /** The `RAMPART_*` variable that sets the days (the compliance capability's, or `RAMPART_AUDIT_RETENTION_DAYS`). */
  readonly variable: string;
  /** Its default, in days; absent: kept until the variable is set. */
  readonly defaultDays?: number;
  /** One sentence: what is deleted and why this long. */
  readonly description: string;
}

/** GDPR Art. 6(1): the lawful basis of one processing activity. */
export type LegalBasis = 'contract' | 'legal_obligation' | 'legitimate_interests' | 'consent';

/**
 * One processing activity of the record of processing (GDPR Art. 30(1)): what a capability keeps
 * on people, why, on which basis, how long and who receives it. `rampart privacy record` renders
 * every capability's; a drift test fails when a table with a personal-data column is in none.
 */
export interface ProcessingActivity {
  /** A short name (`Accounts`, `Sessions`…). */
  readonly name: string;
  /** Art. 30(1)(b). */
  readonly purpose: string;
  readonly legalBasis: LegalBasis;
  /** Art. 30(1)(c): whose data (`users`, `invited people`…). */
  readonly subjects: string;
  /** Art. 30(1)(c): the tables and their personal fields. */
  readonly fields: Readonly<Record<string, readonly string[]>>;
  /** Art. 30(1)(f): the retention rule kinds that bound it, or a sentence (`while the account exists`). */
  readonly retention: readonly string[] | string;
  /** Art. 30(1)(d): who receives it beyond the operator (`none`, `the configured SIEM`…). */
  readonly recipients: readonly string[];
}

/** Every capability's retention rules and processing activities, in composition order. */
export interface PrivacyDeclarations {
  readonly retention: readonly RetentionRule[];
  readonly processing: readonly ProcessingActivity[];
}

/** What a composed capability hands the server. */
export interface Part<F> {
  readonly facade: F;
  /** Registers the capability's routes on the chain's context. */
  readonly routes?: (app: FastifyInstance) => Promise<void>;
  /** Asked by the authentication layer, in composition order. */
  readonly authenticators?: readonly Authenticator[];
  /** Checked by `/readyz`. */
  readonly readiness?: readonly ReadinessProbe[];
  /** Registered on the metrics registry. */
  readonly metrics?: readonly Metric[];
  /** The sections of the caller's data export that this capability holds. */
  readonly personalData?: readonly PersonalDataSection[];
  /** The sections of an org's export (`GET /api/v1/orgs/{org}/export`) that this capability holds. */
  readonly orgData?: readonly OrgDataSection[];
}

/** What a CLI command runs once its configuration is loaded; resolves with the exit code. */
export type CommandAction = (config: RampartConfig, out: Output) => Promise<number>;

/** Runs an action with the command's global options (`--json`, `--config`) and error handling. */
export type RunCommand = (command: Command, action: CommandAction) => Promise<number>;

/** What a capability's CLI commands may ask of the CLI. */
export interface CommandContext {
  readonly run: RunCommand;
  /** The data-directory files every capability adds to a backup (`Capability.backup`), beyond the database. */
  backupFiles(config: RampartConfig): readonly string[];
  /** Every capability's retention rules and processing activities (`Capability.retention`, `.privacy`). */
  readonly privacy?: PrivacyDeclarations;
  /**
   * Starts Rampart from `config` (migrations, every capability) for a command that needs a
   * composed capability, and hands back its facade and the way to stop it. On an embedded data
   * directory the command takes the directory's lock, so a running server refuses it — unless
   * `besideServer`: what the command writes cannot leave a server's memory stale (a backup and
   * its canary, a report, an attestation, a purge of ended rows), so it runs beside one.
   */
  compose<K extends CapabilityName>(
    config: RampartConfig,
    name: K,
    options?: { readonly besideServer?: boolean },
  ): Promise<{ readonly facade: Facades[K]; close(): Promise<void> }>;
}

/** One finding of `rampart doctor`: `fail` means "do not run like this" (the command exits 1). */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'pass' | 'warn' | 'fail';
  readonly reason: string;
}

/** A capability, as `src/capabilities.ts` lists it. Its `index.ts` exports one. */
export interface Capability<K extends CapabilityName> {
  readonly name: K;
  /** Tables keyed by `org_id` whose rows are deleted with an org, children before parents. */
  readonly tenantTables?: readonly string[];
  /** Tables with an `org_id` column that outlive the org, each with the reason. */
  readonly keptOrgTables?: Readonly<Record<string, string>>;
  /** The event types the capability emits into the outbox (kernel/events/event-outbox.ts). */
  readonly eventTypes?: readonly EventType[];
  /**
   * The capability's `RAMPART_*` variables, in the order the README's configuration table lists
   * them (`src/config.ts` puts the kernel's first, then each capability's in composition order).
   */
  readonly variables?: readonly ConfigVariable[];
  /**
   * The capability's `rampart doctor` checks, run after the kernel's (without composing Rampart:
   * a check opens what it needs and closes it). Their code should be loaded only when run.
   */
  readonly doctor?: (config: RampartConfig) => Promise<readonly DoctorCheck[]>;
  /**
   * What the capability adds to a backup beyond its tables (every table is dumped): files of the
   * data directory its data needs (never the master key), restored to the same place.
   */
  readonly backup?: { readonly files?: (config: RampartConfig) => readonly string[] };
  /** How long its rows of personal data are kept once ended (the compliance capability purges them). */
  readonly retention?: readonly RetentionRule[];
  /** Its processing activities, for the record of processing (GDPR Art. 30). */
  readonly privacy?: readonly ProcessingActivity[];
  /** Adds the capability's `rampart …` commands; their code is loaded only when run. */
  readonly commands?: (program: Command, context: CommandContext) => void;
  /** Builds the capability on the kernel and the capabilities composed before it. */
  compose(kernel: Kernel, earlier: Earlier): Promise<Part<Facades[K]>>;
}
