import { z } from 'zod';
import { textProblem } from './text.js';

/** An absolute http(s) URL with a host; `javascript:`, `data:` and relative URLs are refused. */
export function httpUrl(max = 2_048) {
  return z
    .string({ error: 'must be an http(s) URL' })
    .max(max + 1_000, { message: `must be at most ${max} characters`, abort: true })
    .trim()
    .max(max, { message: `must be at most ${max} characters`, abort: true })
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) return void ctx.addIssue({ code: 'custom', message: problem });
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return void ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
        ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
      }
    });
}
