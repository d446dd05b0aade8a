/**
 * Schema validation (TypeBox schemas, compiled by ajv). Bodies are never coerced between types
 * (`"limit": "10"` is refused), unknown fields are refused rather than dropped (schemas say
 * `additionalProperties: false`), and failures name the field. Query strings and path parameters
 * are text on the wire, so they alone are coerced to the declared type.
 */
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { Ajv, type Options } from 'ajv';
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

const validation: FastifyPluginAsync = async (app) => {
  const strict = addFormats(new Ajv({ ...COMMON, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...COMMON, coerceTypes: true }));
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) => {
    const ajv = httpPart === 'body' ? strict : text;
    return ajv.compile(schema as object);
  });
};

export default fp(validation, { name: 'rampart-validation', fastify: '5.x', dependencies: [] });
