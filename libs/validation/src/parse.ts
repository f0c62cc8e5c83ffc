import { ValidationError, type FieldIssue } from '@boomerang/domain';
import type { z } from 'zod';

/** zod's issues as field-named issues (`lineItems.0.sku: ...`); the whole value is `(body)` unless a prefix names it. */
export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Parses with a schema or throws a ValidationError naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(fieldIssues(result.error, prefix));
}
