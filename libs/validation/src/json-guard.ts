import { ValidationError } from '@boomerang/domain';
import { textProblem } from './text.js';

export const MAX_JSON_DEPTH = 32;

/**
 * Checks a parsed JSON value before any schema or serializer walks it: nesting at most `maxDepth` deep, and no
 * key or string with NUL or lone surrogates. Iterative, so a 10,000-deep body costs a loop, not the stack.
 */
export function assertSafeJson(value: unknown, { maxDepth = MAX_JSON_DEPTH, root = '' }: { maxDepth?: number; root?: string } = {}): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: root }];
  while (stack.length) {
    const { value: v, depth, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) throw ValidationError.field(path || '(body)', problem);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) throw ValidationError.field(path || '(body)', `nests deeper than ${maxDepth} levels`);
    for (const [key, child] of Object.entries(v)) {
      const childPath = path ? `${path}.${key}` : key;
      const problem = textProblem(key);
      if (problem) throw ValidationError.field(path || '(body)', `has a key that ${problem}`);
      stack.push({ value: child, depth: depth + 1, path: childPath });
    }
  }
}
