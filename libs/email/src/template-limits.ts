import { Parser } from 'htmlparser2';
import type { FieldIssue } from '@boomerang/domain';

export type TemplateField = 'subject' | 'bodyHtml' | 'bodyText';

/**
 * What one template may cost. Every check below runs before Handlebars or juice see the source, in one pass over
 * it, so an oversized template is refused in time linear in its length; the rest of validation (parse, compile,
 * CSS inlining, a trial render) then only ever runs on inputs these bounds keep small.
 */
export const TEMPLATE_LIMITS = {
  /** Characters per field. */
  maxChars: { subject: 998, bodyHtml: 100_000, bodyText: 20_000 } satisfies Record<TemplateField, number>,
  /** `{{…}}` tags per field. */
  maxMustaches: 1_000,
  /** Blocks (`{{#if}}`, `{{#each}}`, `{{else if}}` …) open inside one another. */
  maxBlockDepth: 10,
  /** HTML elements in `bodyHtml` (CSS inlining costs grow with them). */
  maxHtmlElements: 1_000,
  /** HTML elements open inside one another in `bodyHtml` (CSS inlining recurses over them). */
  maxHtmlDepth: 50,
  /** Characters of CSS in `<style>` elements of `bodyHtml` (inlined into every matching element). */
  maxCssChars: 5_000,
  /** What a render may produce; checked on the trial render at save and on every send. */
  maxOutputChars: { subject: 998, html: 400_000, text: 200_000 },
} as const;

/** Thrown from inside the scan to stop at the first limit crossed. */
class Stop extends Error {}

/**
 * The cheap, linear pre-scan: size, mustache count, block nesting and (for HTML) element count, nesting and CSS
 * size. Returns the first problem, phrased for the merchant, or null.
 */
export function scanTemplateSource(field: TemplateField, source: string): FieldIssue | null {
  const issue = (message: string): FieldIssue => ({ field, message });
  const maxChars = TEMPLATE_LIMITS.maxChars[field];
  if (source.length > maxChars) {
    return issue(`is ${source.length.toLocaleString('en-US')} characters long; the limit is ${maxChars.toLocaleString('en-US')}`);
  }
  const mustaches = scanMustaches(source);
  if (typeof mustaches === 'string') return issue(mustaches);
  if (field === 'bodyHtml') {
    const html = scanHtml(source);
    if (html) return issue(html);
  }
  return null;
}

/** Counts `{{…}}` tags and block nesting without parsing: each tag is found with indexOf and skipped whole. */
function scanMustaches(source: string): string | null {
  let count = 0;
  let depth = 0;
  // Each open block and the `{{else if …}}` links chained to it: a chain nests in the parsed template too.
  const chains: number[] = [];
  let at = source.indexOf('{{');
  while (at >= 0) {
    if (++count > TEMPLATE_LIMITS.maxMustaches) {
      return `has more than ${TEMPLATE_LIMITS.maxMustaches.toLocaleString('en-US')} {{…}} tags; split the message or simplify it`;
    }
    let i = at + 2;
    while (source[i] === '{' || source[i] === '~') i++;
    const comment = source[i] === '!';
    const close = comment && source.startsWith('--', i + 1) ? source.indexOf('--', i + 3) : i;
    const end = close < 0 ? -1 : source.indexOf('}}', close);
    if (end < 0) return `has a {{ on line ${lineOf(source, at)} that is never closed with }}`;
    if (!comment) {
      const head = source.slice(i, Math.min(end, i + 8)).trimStart();
      if (head[0] === '#' || (head[0] === '^' && head.length > 1)) {
        chains.push(1);
        depth++;
      } else if (head[0] === '/') {
        depth -= chains.pop() ?? 0;
      } else if (/^else\s+\S/.test(head) && chains.length) {
        chains[chains.length - 1]!++;
        depth++;
      }
      if (depth > TEMPLATE_LIMITS.maxBlockDepth) {
        return `nests blocks more than ${TEMPLATE_LIMITS.maxBlockDepth} deep (line ${lineOf(source, at)}); simplify the {{#if}}/{{#each}} structure`;
      }
    }
    at = source.indexOf('{{', end + 2);
  }
  return null;
}

/** Element count, nesting and CSS size, with the same parser the CSS inliner uses (linear, no recursion). */
function scanHtml(source: string): string | null {
  let problem: string | null = null;
  let elements = 0;
  let depth = 0;
  let inStyle = false;
  let css = 0;
  const stop = (message: string): never => {
    problem = message;
    throw new Stop();
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (++elements > TEMPLATE_LIMITS.maxHtmlElements) {
          stop(`has more than ${TEMPLATE_LIMITS.maxHtmlElements.toLocaleString('en-US')} HTML elements; simplify the message`);
        }
        if (++depth > TEMPLATE_LIMITS.maxHtmlDepth) {
          stop(`nests HTML elements more than ${TEMPLATE_LIMITS.maxHtmlDepth} deep (line ${lineOf(source, parser.startIndex)})`);
        }
        inStyle = name === 'style';
      },
      ontext(text) {
        if (inStyle && (css += text.length) > TEMPLATE_LIMITS.maxCssChars) {
          stop(`has more than ${TEMPLATE_LIMITS.maxCssChars.toLocaleString('en-US')} characters of CSS in <style>; use style attributes`);
        }
      },
      onclosetag() {
        depth--;
        inStyle = false;
      },
    },
    { decodeEntities: false },
  );
  try {
    parser.end(source);
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  }
  return problem;
}

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < index; i = source.indexOf('\n', i + 1)) line++;
  return line;
}
