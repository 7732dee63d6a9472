import { isDeepStrictEqual } from 'node:util';
import * as approvals from '../approvals/approval-api-schemas.ts';
import * as checkout from '../checkout/checkout-schemas.ts';
import * as events from '../events/event-api-schemas.ts';
import * as imports from '../imports/import-api-schemas.ts';
import * as keys from '../keys/key-api-schemas.ts';
import * as ledger from '../ledger/ledger-api-schemas.ts';
import * as members from '../members/member-api-schemas.ts';
import * as inbox from '../notifications/inbox/inbox-api-schemas.ts';
import * as notifications from '../notifications/notification-api-schemas.ts';
import * as preferences from '../notifications/preferences/preference-api-schemas.ts';
import * as webhooks from '../notifications/webhooks/webhook-api-schemas.ts';
import * as programs from '../programs/program-api-schemas.ts';
import * as couponPools from '../rewards/coupon-pool-api-schemas.ts';
import * as draws from '../rewards/draws/draw-api-schemas.ts';
import * as rewards from '../rewards/reward-api-schemas.ts';
import * as rules from '../rules/rule-api-schemas.ts';
import * as segments from '../segments/segment-api-schemas.ts';
import * as shared from '../shared/api-schemas.ts';
import * as tiers from '../tiers/tier-api-schemas.ts';
import { OPERATION_EXAMPLES, recordedAnswer } from './operation-examples.ts';

/**
 * Named components for the OpenAPI document, so a generated client has `Member`, `Entry`, `Lot`,
 * `Problem`... instead of `def-0` and anonymous shapes.
 *
 * 1. Every object schema an area's `*-api-schemas.ts` exports is titled by its export name (the
 *    `View` suffix dropped, a few names qualified by their area): `nameApiSchemas`, once, before
 *    the routes are registered. A title is an annotation: validation and serialisation ignore it.
 * 2. `componentsOf` (the swagger plugin's `transformObject`) moves every titled schema of the
 *    document to `components.schemas` under its title and refers to it by `$ref`; a request or
 *    response body left without a name is named after its operation (`CreateCreditRequest`,
 *    `CreateCreditResponse`), so no body is anonymous.
 */
const MODULES: Record<string, Record<string, unknown>> = {
  shared,
  members,
  ledger,
  keys,
  programs,
  rules,
  events,
  tiers,
  rewards,
  couponPools,
  draws,
  checkout,
  webhooks,
  inbox,
  preferences,
  notifications,
  imports,
  approvals,
  segments,
};

/** Export names that need their area to be clear in one document. */
const RENAMED: Record<string, string> = {
  'webhooks.Endpoint': 'WebhookEndpoint',
  'webhooks.EndpointWithSecret': 'WebhookEndpointWithSecret',
  'webhooks.Delivery': 'WebhookDelivery',
  'webhooks.DeliveryDetail': 'WebhookDeliveryDetail',
  'draws.PlayView': 'DrawPlay',
  'checkout.QuoteView': 'CheckoutQuote',
  'checkout.PaymentView': 'CheckoutPayment',
  'segments.PreviewBody': 'SegmentPreviewRequest',
  'segments.PreviewAnswer': 'SegmentPreview',
  'segments.RecomputeAnswer': 'SegmentRecomputation',
};

let named = false;

export function nameApiSchemas(): void {
  if (named) return;
  named = true;
  for (const [area, exports] of Object.entries(MODULES)) {
    for (const [name, schema] of Object.entries(exports)) {
      if (!isObjectSchema(schema) || 'title' in schema) continue;
      // Route parameters, headers and queries become OpenAPI parameters, never components.
      if (/(Params|Query|Headers)$/.test(name)) continue;
      (schema as { title?: string }).title = RENAMED[`${area}.${name}`] ?? name.replace(/(View|Schema)$/, '');
    }
  }
}

function isObjectSchema(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const schema = value as Record<string | symbol, unknown>;
  return schema.type === 'object' || Array.isArray(schema.anyOf) || Array.isArray(schema.allOf);
}

type Json = Record<string, unknown>;
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Json> };
}
interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string; schema?: Json; example?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

export function componentsOf({ openapiObject }: { openapiObject: Partial<Document> }): Document {
  const document = structuredClone(openapiObject) as Document;
  const schemas: Record<string, Json> = { ...(document.components?.schemas ?? {}) };
  const conflicts = new Set<string>();

  const extract = (schema: unknown): unknown => {
    if (Array.isArray(schema)) return schema.map(extract);
    if (typeof schema !== 'object' || schema === null) return schema;
    const out: Json = {};
    for (const [key, value] of Object.entries(schema)) {
      out[key] = key === 'examples' || key === 'example' || key === 'default' ? value : extract(value);
    }
    const title = out.title;
    if (typeof title !== 'string' || conflicts.has(title)) return out;
    const known = schemas[title];
    if (known && !isDeepStrictEqual(known, out)) {
      // The same name for two shapes (a schema spread with changes): both stay inline.
      conflicts.add(title);
      return out;
    }
    schemas[title] = out;
    return { $ref: `#/components/schemas/${title}` };
  };

  for (const [name, schema] of Object.entries(schemas)) schemas[name] = extract(schema) as Json;
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      addExamples(operation);
      const id = pascal(operation.operationId ?? 'anonymous');
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        media.schema = nameBody(extract(media.schema) as Json, `${id}Request`, schemas);
      }
      const successes = Object.keys(operation.responses ?? {}).filter((status) => status.startsWith('2'));
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const suffix = successes.length > 1 && status !== successes[0] ? status : '';
        for (const media of Object.values(response.content ?? {})) {
          media.schema = nameBody(extract(media.schema) as Json, `${id}Response${suffix}`, schemas);
        }
      }
    }
  }
  for (const title of conflicts) delete schemas[title];
  document.components = { ...document.components, schemas: sortedKeys(schemas) };
  return document;
}

/** The operation's example request (its parameters and body) and the answer recorded for it. */
function addExamples(operation: Operation): void {
  const example = operation.operationId ? OPERATION_EXAMPLES[operation.operationId] : undefined;
  if (!example) return;
  const values: Record<string, Record<string, string> | undefined> = {
    path: example.params,
    query: example.query,
    header: example.headers,
  };
  for (const parameter of operation.parameters ?? []) {
    const value = values[parameter.in]?.[parameter.name];
    if (value === undefined) continue;
    // The example in the parameter's own type: a URL's text as the server coerces it.
    const type = parameter.schema?.type;
    parameter.example =
      type === 'integer' || type === 'number' ? Number(value) : type === 'boolean' ? value === 'true' : value;
  }
  const body = operation.requestBody?.content?.['application/json'];
  if (body && example.body !== undefined) (body as Json).example = example.body;
  const answer = recordedAnswer(operation.operationId!);
  // The answer's one media type: JSON, or the CSV of the audit export.
  const content = operation.responses?.[String(example.status)]?.content;
  const response = content ? Object.values(content)[0] : undefined;
  if (response && answer !== undefined) (response as Json).example = answer;
}

/** A body schema that is still anonymous becomes a component named after its operation. */
function nameBody(schema: Json | undefined, name: string, schemas: Record<string, Json>): Json | undefined {
  if (!schema || '$ref' in schema) return schema;
  if (schema.type !== 'object' && !schema.anyOf && !schema.allOf) return schema;
  schemas[name] = schema;
  return { $ref: `#/components/schemas/${name}` };
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
