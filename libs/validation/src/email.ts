import { isEmail, normalizeEmail } from '@boomerang/domain';
import { z } from 'zod';
import { textProblem } from './text.js';

/** RFC 5321's limit on a forward path. */
export const MAX_EMAIL = 254;

/** An email address (trimmed), at most 254 characters, without NUL or lone surrogates. */
export const email = () =>
  z
    .string({ error: 'must be an email address' })
    .max(MAX_EMAIL + 100, { message: `must be at most ${MAX_EMAIL} characters`, abort: true })
    .trim()
    .max(MAX_EMAIL, `must be at most ${MAX_EMAIL} characters`)
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
      else if (!isEmail(value)) ctx.addIssue({ code: 'custom', message: 'must be an email address' });
      // Customers are keyed by the lowercased address, and lowercasing can lengthen it ('İ' becomes two characters).
      else if (normalizeEmail(value).length > MAX_EMAIL) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_EMAIL} characters once lowercased` });
    });
