import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@boomerang/domain';
import { isUuid, parseOrThrow } from '@boomerang/validation';
import { ZodType } from 'zod';

const ID_NAME = /Id$/;

/**
 * Global, and the one place a route's declared schemas run:
 * - a parameter declared with a schema (`@ValidBody(schema)`, `@ValidQuery(schema)`, `@IdParam('ruleId')`, see
 *   contract.ts) is checked with that very schema object, the one the OpenAPI document is generated from;
 * - every path parameter named `…Id` (`:storeId`, `:ruleId`, a future `:customerId`) must be a UUID, or the route
 *   answers 404 as for an unknown id; a query parameter named `…Id` must be one, or 400. A route gets this by naming
 *   its parameter, without anyone remembering to add a check.
 * A query or path value is replaced by its parsed value (defaults, numbers); a body is checked and passed on as sent,
 * because the service that owns it parses it again with the same schema (it is also called without HTTP).
 */
@Injectable()
export class ContractPipe implements PipeTransform {
  transform(value: unknown, { type, data, schema }: ArgumentMetadata): unknown {
    if (type !== 'param' && type !== 'query' && type !== 'body') return value;
    if (type !== 'body') checkIds(type, data, value);
    if (!(schema instanceof ZodType)) return value;
    if (type === 'body') {
      parseOrThrow(schema, value);
      return value;
    }
    if (type === 'param' && data && isIdName(data)) return value;
    return data ? parseOrThrow(schema, value, data) : parseOrThrow(schema, value ?? {});
  }
}

const isIdName = (name: string) => ID_NAME.test(name);

function checkIds(type: 'param' | 'query', data: string | undefined, value: unknown): void {
  const entries = data ? [[data, value] as const] : Object.entries((value ?? {}) as Record<string, unknown>);
  for (const [name, v] of entries) {
    if (!isIdName(name) || v === undefined) continue;
    if (isUuid(v)) continue;
    if (type === 'param') throw new NotFoundError(name.slice(0, -2), JSON.stringify(String(v).slice(0, 64)));
    throw ValidationError.field(name, 'must be a UUID');
  }
}
