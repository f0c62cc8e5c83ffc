import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@boomerang/domain';
import { isUuid, parseOrThrow } from '@boomerang/validation';
import type { z } from 'zod';

const ID_NAME = /Id$/;

/**
 * Global: every path parameter named `…Id` (`:storeId`, `:ruleId`, a future `:customerId`) must be a UUID, or the
 * route answers 404 as for an unknown id; a query parameter named `…Id` must be one, or 400. A route gets this by
 * naming its parameter, without anyone remembering to add a check.
 */
@Injectable()
export class IdParamsPipe implements PipeTransform {
  transform(value: unknown, { type, data }: ArgumentMetadata): unknown {
    if (type !== 'param' && type !== 'query') return value;
    const entries = data ? [[data, value] as const] : Object.entries((value ?? {}) as Record<string, unknown>);
    for (const [name, v] of entries) {
      if (!ID_NAME.test(name) || v === undefined) continue;
      if (isUuid(v)) continue;
      if (type === 'param') throw new NotFoundError(name.slice(0, -2), JSON.stringify(String(v).slice(0, 64)));
      throw ValidationError.field(name, 'must be a UUID');
    }
    return value;
  }
}

/** A route's query or body parsed with its schema (`@Query(new SchemaPipe(schema))`); issues name the fields. */
export class SchemaPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    return parseOrThrow(this.schema, value ?? {});
  }
}
