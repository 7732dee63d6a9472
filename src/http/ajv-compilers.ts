import { OptionalKind } from '@sinclair/typebox';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { Condition, RuleDefinition } from '../rules/rule-types.ts';
import { SegmentCondition } from '../segments/segment-types.ts';
import { isStorableCalendarDate, isStorableDate } from '../shared/storable-dates.ts';
import { findUnstorable } from '../shared/storable-input.ts';

// Both packages are CommonJS with a default export.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

export const SHARED_SCHEMAS = [Condition, RuleDefinition, SegmentCondition];

interface FormatWithCompare {
  validate: (text: string) => boolean;
  compare: (a: string, b: string) => number | undefined;
}

function makeAjv(coerceTypes: boolean, storableDates = true) {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats(ajv);
  if (!storableDates) return withSharedSchemas(ajv);
  // Dates are checked once, here, for every schema: a real date (no leap second, no 30 February)
  // that PostgreSQL stores and reads back as written (storable-dates.ts).
  // The original formats' compare functions stay, for formatMinimum / formatMaximum.
  const dateTime = addFormats.get('date-time') as FormatWithCompare;
  const date = addFormats.get('date') as FormatWithCompare;
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (text: string) => dateTime.validate(text) && isStorableDate(text),
    compare: dateTime.compare,
  });
  ajv.addFormat('date', {
    type: 'string',
    validate: (text: string) => date.validate(text) && isStorableCalendarDate(text),
    compare: date.compare,
  });
  return withSharedSchemas(ajv);
}

// Schemas that routes refer to by $id (recursive ones, registered once); the app adds the same
// ones with addSchema for the serializer and the OpenAPI document.
function withSharedSchemas<T extends { addSchema: (schema: object) => unknown }>(ajv: T): T {
  for (const schema of SHARED_SCHEMAS) ajv.addSchema(schema);
  return ajv;
}

/** Bodies are JSON and must be typed exactly ("10" is not a number); URLs are text and are coerced. */
const bodyAjv = makeAjv(false);
const urlAjv = makeAjv(true);
/** Batches that answer each item on its own also judge each item's dates on their own. */
const itemsAjv = makeAjv(false, false);

/**
 * Marks a body schema whose route checks storable input per item itself (event batches answer
 * each event on its own, so one event with a NUL or a year-0 date must not sink the others).
 */
export const CHECKS_ITEMS_ITSELF = Symbol.for('jifen.checksItemsItself');

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

/**
 * Every part of every request (body, path, query, headers) is checked for what cannot be stored —
 * NUL, unpaired surrogates, non-finite numbers, deep nesting — in this one place, before its
 * schema, so no route can forget it.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const marks = schema as Record<symbol, unknown>;
  const checksItems = httpPart === 'body' && marks[CHECKS_ITEMS_ITSELF] === true;
  const ajv = checksItems ? itemsAjv : httpPart === 'body' ? bodyAjv : urlAjv;
  // Compiled on the route's first request, not at start-up: compiling every route's schemas took
  // most of `jifen serve`'s start (README, "Start-up"), and most routes of a store are never called.
  let compiled: ReturnType<typeof ajv.compile> | undefined;
  const validate: Validate = (data: unknown) => {
    compiled ??= ajv.compile(schema as object);
    // Jifen's schemas are synchronous (no $async): the answer is a boolean.
    const valid = compiled(data) as boolean;
    validate.errors = compiled.errors;
    return valid;
  };
  // Fastify validates an absent body as null; a body declared Optional (void, capture, reversal)
  // may be left out altogether.
  const optional = httpPart === 'body' && marks[OptionalKind] === 'Optional';
  const checksStorable = !checksItems;
  const checked: Validate = (data: unknown) => {
    const problem = checksStorable ? findUnstorable(data, '') : null;
    if (problem) {
      checked.errors = [
        { keyword: 'storable', instancePath: problem.field, message: problem.message, params: {} },
      ];
      return false;
    }
    const valid = (optional && data === null) || validate(data);
    checked.errors = valid ? null : validate.errors;
    return valid;
  };
  return checked as ReturnType<FastifySchemaCompiler<unknown>>;
};
