/**
 * The inbound webhooks' variables (issue 15 item 4): the platform's own hook sources (with their
 * secrets), the timestamp tolerance, the body limit of the inbound route and how long a replaced
 * secret of an org source still verifies. Exported as `INBOUND_VARIABLES` for the `webhooks`
 * capability's list; their keys join the kernel's `RampartConfig` here (declaration merging).
 */
import { integer, type ConfigVariable, type Raw } from '../../kernel/config.js';
import { Secret } from '../../kernel/domain/secret.js';
import { isHookScheme, isSourceName, type HookScheme } from './domain/hook-source.js';

/** A platform source from RAMPART_INBOUND_SOURCES. */
export interface PlatformHookSource {
  readonly name: string;
  readonly scheme: HookScheme;
  readonly secret: Secret<string>;
}

declare module '../../kernel/config.js' {
  interface RampartConfig {
    /** The platform's hook sources, addressed by name (`POST /api/v1/hooks/<name>`). */
    readonly inboundSources: readonly PlatformHookSource[];
    /** Seconds a signature's timestamp may be from now, either way. */
    readonly inboundTolerance: number;
    /** Bytes of an inbound body at most. */
    readonly inboundBodyLimit: number;
    /** Seconds an org source's replaced secret still verifies. */
    readonly inboundSecretOverlap: number;
  }
}

/** `name=scheme:secret,…`; the secret may itself hold `:` and `=`, not `,`. */
function platformSources(raw: Raw): readonly PlatformHookSource[] {
  if (raw === undefined || raw.trim() === '') return [];
  const sources = raw.split(',').map((item, index) => {
    const match = /^\s*([^=\s]+)=([a-z-]+):(\S+)\s*$/.exec(item);
    const [, name, scheme, secret] = match ?? [];
    if (name === undefined || scheme === undefined || secret === undefined) {
      throw new Error(`item ${index + 1} is not name=scheme:secret`);
    }
    if (!isSourceName(name)) throw new Error(`item ${index + 1}: the name must be lower-case letters, digits, - or _ (not src_…)`);
    if (!isHookScheme(scheme)) throw new Error(`item ${index + 1}: the scheme must be standard-webhooks or stripe`);
    return Object.freeze({ name, scheme, secret: new Secret(secret) });
  });
  if (new Set(sources.map((source) => source.name)).size !== sources.length) throw new Error('a source name is listed twice');
  return Object.freeze(sources);
}

/** The inbound variables, in README order. */
export const INBOUND_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'inboundSources',
    env: 'RAMPART_INBOUND_SOURCES',
    defaultText: 'unset',
    description:
      "The platform's inbound hook sources: comma-separated `name=scheme:secret`, scheme `standard-webhooks` (secret `whsec_…`) or `stripe` (the endpoint's signing secret). Each is reached at `POST /api/v1/hooks/<name>`; orgs add their own through the API.",
    secret: true,
    parse: platformSources,
  },
  {
    key: 'inboundTolerance',
    env: 'RAMPART_INBOUND_TOLERANCE',
    defaultText: '300',
    description:
      "Seconds an inbound signature's timestamp may be from now, either way (replays older than that are refused even before their event id is looked at).",
    parse: integer(30, 3600, 300),
  },
  {
    key: 'inboundBodyLimit',
    env: 'RAMPART_INBOUND_BODY_LIMIT',
    defaultText: '262144',
    description: 'Bytes of an inbound webhook body at most (413 `payload_too_large` above it).',
    parse: integer(1024, 10_485_760, 262_144),
  },
  {
    key: 'inboundSecretOverlap',
    env: 'RAMPART_INBOUND_SECRET_OVERLAP',
    defaultText: '86400',
    description: "Seconds an org hook source's replaced signing secret still verifies beside the new one.",
    parse: integer(0, 30 * 86_400, 86_400),
  },
];
