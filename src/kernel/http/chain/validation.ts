/**
 * Schema validation (TypeBox schemas, compiled by ajv). Bodies are never coerced between types
 * (`"limit": "10"` is refused), unknown fields are refused rather than dropped (schemas say
 * `additionalProperties: false`), and failures name the field. Query strings, path parameters and
 * headers are text on the wire, so they alone are coerced to the declared type — and a number
 * only from its plain decimal spelling: ajv's coercion is `Number(text)`, which reads `1e2`,
 * `0x10`, `0b11`, ` 5` and `+5` as numbers too, so the same value would mean one thing here and
 * another to a proxy or a cache in front of us (a parser differential). An `integer` must be
 * `0` or an optional `-` and digits without a leading zero; a `number` may add `.digits`.
 */
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const COMMON: Options = {
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  strict: false,
  // TypeBox's own metadata keywords are not validation keywords.
  keywords: ['kind', 'modifier'],
};

/** The only text an `integer` is read from. */
export const DECIMAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;
/** The only text a `number` is read from. */
export const DECIMAL_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

type NumericKind = 'integer' | 'number';

interface SchemaNode {
  readonly type?: unknown;
  readonly anyOf?: unknown;
  readonly oneOf?: unknown;
  readonly properties?: unknown;
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null;
}

/** Whether a property's schema lets a number through (its own type, or a member of a union). */
function numericKind(schema: unknown): NumericKind | undefined {
  if (!isNode(schema)) return undefined;
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  // `number` accepts a decimal fraction; when a union allows either, the wider spelling applies.
  if (types.includes('number')) return 'number';
  if (types.includes('integer')) return 'integer';
  let found: NumericKind | undefined;
  for (const member of [schema.anyOf, schema.oneOf].flatMap((list) => (Array.isArray(list) ? (list as unknown[]) : []))) {
    const kind = numericKind(member);
    if (kind === 'number') return kind;
    found ??= kind;
  }
  return found;
}

/** The numeric properties of an object schema, by name. */
function numericProperties(schema: unknown): ReadonlyMap<string, NumericKind> {
  const out = new Map<string, NumericKind>();
  if (!isNode(schema) || !isNode(schema.properties)) return out;
  for (const [name, property] of Object.entries(schema.properties)) {
    const kind = numericKind(property);
    if (kind !== undefined) out.set(name, kind);
  }
  return out;
}

/**
 * Whether ajv would read `value` as a number although it is not spelled plainly. Text ajv cannot
 * coerce (`all`, `abc`) is left to it: the schema's other members (a union with a literal) or its
 * type error judge it. ajv coerces text when `text == +text`, i.e. any non-empty text `Number()`
 * reads — whitespace, exponents, hex, binary, octal, `Infinity` included.
 */
function coercedWithoutPlainSpelling(value: unknown, kind: NumericKind): boolean {
  // A value that is not text (an array of repeated parameters, a default) is ajv's to judge.
  if (typeof value !== 'string' || value === '' || Number.isNaN(Number(value))) return false;
  return !(kind === 'integer' ? DECIMAL_INTEGER : DECIMAL_NUMBER).test(value);
}

type TextValidator = ((data: unknown, context?: unknown) => boolean) & {
  errors?: ErrorObject[] | null;
  schemaEnv?: unknown;
};

/**
 * `compiled`, preceded by the spelling check of every numeric property of a text part. Fastify
 * reads `errors` from the function it was given, and passes the parent data (for coercion of the
 * root) only when the function has `schemaEnv`, so both are carried over.
 */
function plainNumbersFirst(compiled: ValidateFunction, numeric: ReadonlyMap<string, NumericKind>): TextValidator {
  const validate: TextValidator = (data: unknown, context?: unknown) => {
    if (isNode(data)) {
      for (const [name, kind] of numeric) {
        const value = (data as Record<string, unknown>)[name];
        if (coercedWithoutPlainSpelling(value, kind)) {
          validate.errors = [
            {
              instancePath: `/${name}`,
              schemaPath: `#/properties/${name}/type`,
              keyword: 'type',
              params: { type: kind },
              message: kind === 'integer' ? 'must be an integer in plain decimal digits' : 'must be a number in plain decimal digits',
            },
          ];
          return false;
        }
      }
    }
    const valid = context === undefined ? compiled(data) : compiled(data, context as Parameters<ValidateFunction>[1]);
    validate.errors = compiled.errors ?? null;
    return valid;
  };
  validate.schemaEnv = compiled.schemaEnv;
  return validate;
}

const validation: FastifyPluginAsync = async (app) => {
  const strict = addFormats(new Ajv({ ...COMMON, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...COMMON, coerceTypes: true }));
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) => {
    if (httpPart === 'body') return strict.compile(schema as object);
    const compiled = text.compile(schema as object);
    const numeric = numericProperties(schema);
    return numeric.size === 0 ? compiled : plainNumbersFirst(compiled, numeric);
  });
};

export default fp(validation, { name: 'rampart-validation', fastify: '5.x', dependencies: [] });
