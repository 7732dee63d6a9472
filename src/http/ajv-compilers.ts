import { OptionalKind } from '@sinclair/typebox';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { Condition, RuleDefinition } from '../rules/rule-types.ts';

// Both packages are CommonJS with a default export.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

export const SHARED_SCHEMAS = [Condition, RuleDefinition];

function makeAjv(coerceTypes: boolean) {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats(ajv);
  // Schemas that routes refer to by $id (recursive ones, registered once); the app adds the same
  // ones with addSchema for the serializer and the OpenAPI document.
  for (const schema of SHARED_SCHEMAS) ajv.addSchema(schema);
  return ajv;
}

/** Bodies are JSON and must be typed exactly ("10" is not a number); URLs are text and are coerced. */
const bodyAjv = makeAjv(false);
const urlAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : urlAjv;
  const validate = ajv.compile(schema as object);
  // Fastify validates an absent body as null; a body declared Optional (void, capture, reversal)
  // may be left out altogether.
  if (httpPart === 'body' && (schema as Record<symbol, unknown>)[OptionalKind] === 'Optional') {
    const optional = Object.assign(
      (data: unknown) => {
        const valid = data === null || validate(data);
        optional.errors = valid ? null : validate.errors;
        return valid;
      },
      { errors: null as typeof validate.errors },
    );
    return optional as ReturnType<FastifySchemaCompiler<unknown>>;
  }
  return validate as ReturnType<FastifySchemaCompiler<unknown>>;
};
