import { applyDecorators, Body, Param, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { StandardSchemaConversionResult } from '@nestjs/swagger';
import { uuid } from '@boomerang/validation';
import { z } from 'zod';

/**
 * A route's contract is declared once, with the zod schemas that validate it:
 * - `@ValidBody(schema)` / `@ValidQuery(schema)` / `@IdParam('storeId')` are Nest's own `{ schema }` parameter
 *   option: the global ContractPipe validates with that schema object, and @nestjs/swagger documents the same object;
 * - `@Returns(status, schema)` documents the success response; a view function typed `z.output<typeof schema>` keeps
 *   the two from drifting (the compiler checks it), and `@Fails(...)` the error statuses with the one error shape.
 */

/** The body of every 4xx/5xx answer (see domain-error.filter.ts). */
export const errorSchema = z
  .object({
    error: z.string().meta({ description: 'A stable code: validation_failed, malformed_json, unauthorized, invalid_signature, not_found, conflict, payload_too_large, unsupported_media_type, unprocessable, invalid_credentials, email_unverified, token_invalid, token_expired, token_used, rate_limited, unavailable, bad_gateway, internal' }),
    message: z.string(),
    issues: z.array(z.object({ field: z.string().meta({ description: 'The field, dotted (`lineItems.0.sku`), or `(body)`' }), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });

const FAILURES: Record<number, string> = {
  400: 'Invalid input: `issues` names each bad field',
  401: 'Missing or wrong credentials',
  403: 'Signed in correctly, but not allowed yet (email_unverified)',
  404: 'Unknown (or malformed) id',
  409: 'Conflicts with the current state',
  410: 'The emailed link expired (token_expired) or was already used (token_used)',
  413: 'Body over 1 MiB',
  415: 'Body not JSON, or sent with a Content-Encoding',
  422: 'Well-formed but cannot be processed (e.g. a template that cannot render)',
  429: 'Too many attempts (rate_limited); Retry-After says when to try again',
  502: 'A store platform failed, throttled or did not answer (bad_gateway): `message` has its words; nothing was stored',
  503: 'The database is unreachable (unavailable): nothing was stored; retry later',
};

/** Body validated by the global ContractPipe with `schema`; the service parses it again with the same schema object. */
export const ValidBody = (schema: z.ZodType) => Body({ schema });
/** Query string parsed with `schema` (the handler gets the parsed value). */
export const ValidQuery = (schema: z.ZodType) => Query({ schema });
/** A path parameter parsed with `schema` (its issues name the parameter). */
export const ValidParam = (name: string, schema: z.ZodType) => Param(name, { schema });
/** A `…Id` path parameter: a UUID, or 404 as for an unknown id. */
export const IdParam = (name: string) => Param(name, { schema: uuid() });

/**
 * `true` only when a documented schema's type and a type the code already has are the same shape: for answers built
 * elsewhere (a service's result type), `const ok: SameShape<z.output<typeof schema>, Result> = true` fails to compile
 * the day they drift.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;

/** The success response, from its zod schema. */
export const Returns = (status: number, schema: z.ZodType | null, description = 'Success') =>
  ApiResponse(schema ? { status, description, standardSchema: schema as never } : { status, description });

/** Error statuses this route answers, every one with the `Error` shape. */
export const Fails = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: FAILURES[status] ?? 'Error', standardSchema: errorSchema as never })),
  );

/** A timestamp is a Date in our views and an ISO-8601 string on the wire (JSON.stringify). */
function dateAsString(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: Record<string, unknown> }) {
  if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
}

function stripIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripIds);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'id' || typeof v !== 'string') out[k] = stripIds(v);
  return out;
}

/**
 * zod 4's own JSON Schema (draft 2020-12, which OpenAPI 3.1 uses) for @nestjs/swagger's `standardSchemaConverter`:
 * schemas with a `.meta({ id })` become `#/components/schemas/<id>`, the rest are inlined.
 */
export function zodToOpenApi(schema: unknown, { schemaType }: { schemaType: 'input' | 'output' }): StandardSchemaConversionResult | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  const json = z.toJSONSchema(schema, { io: schemaType, unrepresentable: 'any', override: dateAsString as never }) as Record<string, unknown>;
  const { $defs = {}, ...rest } = json as { $defs?: Record<string, unknown>; $schema?: string };
  delete rest.$schema;
  const components = stripIds($defs) as Record<string, Record<string, unknown>>;
  const id = z.globalRegistry.get(schema)?.id;
  if (id) {
    components[id] = stripIds(rest) as Record<string, unknown>;
    return { schema: { $ref: `#/components/schemas/${id}` }, components } as StandardSchemaConversionResult;
  }
  return { schema: stripIds(rest), components } as StandardSchemaConversionResult;
}
