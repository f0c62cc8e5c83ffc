import { z } from 'zod';

/** What no text field may hold: NUL (PostgreSQL refuses it in text) or a lone surrogate (not encodable as UTF-8). */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (!value.isWellFormed()) return 'must not contain lone surrogates (invalid Unicode)';
  return null;
}

export interface TextOptions {
  /** Minimum length after trimming; 1 by default (a field that is present must say something). */
  min?: number;
  /** Trim surrounding whitespace (default true). */
  trim?: boolean;
}

/** A bounded string (UTF-16 units, so never longer in characters either) without NUL or lone surrogates. */
export function text(max: number, { min = 1, trim = true }: TextOptions = {}) {
  let schema = z
    .string({ error: 'must be a string' })
    // Length first: nothing below looks at more than `max` characters (plus surrounding space).
    .max(trim ? max + 1_000 : max, { message: `must be at most ${max} characters`, abort: true })
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
  if (trim) schema = schema.trim().max(max, `must be at most ${max} characters`);
  return min > 0 ? schema.min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`) : schema;
}
