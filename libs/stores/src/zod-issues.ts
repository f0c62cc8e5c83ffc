import { ValidationError } from '@boomerang/domain';
import type { z } from 'zod';

/** Turns zod's issues into field-named validation errors (`lineItems.0.sku: ...`). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
      message: issue.message,
    })),
  );
}
