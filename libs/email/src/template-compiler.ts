import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import juice from 'juice';
import { ValidationError } from '@boomerang/domain';
import { worstCaseRenderContext, type RenderContext } from './render-context.js';
import { TemplateRenderError } from './template-errors.js';
import { scanTemplateSource, TEMPLATE_LIMITS, type TemplateField } from './template-limits.js';
import { unknownVariables } from './template-variables.js';
import { htmlToText } from './render-message.js';

type Compiled = Handlebars.TemplateDelegate<RenderContext>;

const BODY_SLOT = '{{> body}}';
const CACHE_LIMIT = 1_000;
/** Handlebars' built-in helpers a template may not call: `log` writes to our logs, `lookup` escapes the variable check. */
const REMOVED_HELPERS = ['log', 'lookup'];

// juice sets template tags aside itself, restoring them with one regular expression per tag over the whole document
// (quadratic: 1,000 tags in 100 KB took 0.2 s, and an unclosed `<%` worse). We set `{{…}}` aside in one linear pass
// instead (`inlineCss`), and turn juice's own code blocks off; `juice.codeBlocks` is the documented switch.
for (const kind of Object.keys(juice.codeBlocks)) delete juice.codeBlocks[kind];

export function readTemplateFile(name: string): string {
  return readFileSync(new URL(`../templates/${name}`, import.meta.url), 'utf8');
}

/** Why a template fails validation: the issues for the merchant, and whether it is over a cost limit. */
class TemplateProblem {
  constructor(
    readonly issues: { field: TemplateField; message: string }[],
    readonly budget: boolean,
  ) {}
}

/**
 * Compiles each template once and reuses it for every send. The HTML body is spliced into the shared
 * layout and its CSS inlined (juice) before compiling, so inlining costs nothing per send. A private
 * Handlebars environment keeps helpers off the global instance; `strict` makes a missing variable an error,
 * not a blank.
 *
 * Every template is bounded work (`TEMPLATE_LIMITS`): checked by a linear pre-scan before Handlebars or juice see
 * it, both when it is saved and when it is first compiled for sending (it may have been saved before a limit existed).
 */
export class TemplateCompiler {
  private readonly env = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();
  private layout?: string;

  constructor() {
    for (const name of REMOVED_HELPERS) this.env.unregisterHelper(name);
  }

  /**
   * Throws a ValidationError naming `field`, with the line of a syntax error or of every unknown
   * variable or helper, or the limit the template is over. A template that passes has compiled (inside the layout,
   * CSS inlined, for `bodyHtml`) and rendered against the heaviest context a send can have, within the output
   * limits: what is accepted here renders at send time.
   */
  validate(field: TemplateField, source: string): void {
    let render: Compiled;
    try {
      this.check(field, source);
      render = field === 'bodyHtml' ? this.compileDocument(source) : this.compileText(source);
    } catch (err) {
      throw toValidationError(field, err);
    }
    const context = worstCaseRenderContext();
    let output: string;
    try {
      output = render(context);
    } catch (err) {
      throw ValidationError.field(field, `cannot be rendered: ${firstLine(err)}`);
    }
    const issue = field === 'bodyHtml' ? outputIssue('html', output) ?? outputIssue('text', htmlToText(output)) : outputIssue(field === 'subject' ? 'subject' : 'text', output);
    if (issue) {
      throw ValidationError.field(field, `${issue}, rendered with ${context.products.length} products with long names (the most one message shows)`);
    }
  }

  /** A subject or a plain-text part: no HTML escaping, no layout. */
  renderText(source: string, context: RenderContext, field: 'subject' | 'bodyText' = 'bodyText'): string {
    return this.run(field, this.compiled(`t\0${field}\0${source}`, () => this.checked(field, source, () => this.compileText(source))), context);
  }

  /** A fragment rendered with HTML escaping and no layout. */
  render(source: string, context: RenderContext): string {
    return this.run('bodyHtml', this.compiled(`h\0${source}`, () => this.checked('bodyHtml', source, () => this.env.compile<RenderContext>(source, { strict: true }))), context);
  }

  /** The full HTML document: the body inside the shared layout, CSS inlined. */
  renderDocument(bodySource: string, context: RenderContext): string {
    return this.run('bodyHtml', this.compiled(`d\0${bodySource}`, () => this.checked('bodyHtml', bodySource, () => this.compileDocument(bodySource))), context);
  }

  private compileText(source: string): Compiled {
    return this.env.compile<RenderContext>(source, { strict: true, noEscape: true });
  }

  private compileDocument(bodySource: string): Compiled {
    this.layout ??= readTemplateFile('layout.hbs');
    const document = this.layout.replace(BODY_SLOT, () => bodySource);
    const inlined = inlineCss(document);
    return this.env.compile<RenderContext>(inlined, { strict: true });
  }

  /** The pre-scan, then the parse and the variable check: all before any compile or CSS inlining. */
  private check(field: TemplateField, source: string): void {
    const limit = scanTemplateSource(field, source);
    if (limit) throw new TemplateProblem([{ field, message: limit.message }], true);
    let ast: hbs.AST.Program;
    try {
      ast = this.env.parse(source);
    } catch (err) {
      throw new TemplateProblem([{ field, message: `template does not compile: ${firstLine(err)}` }], false);
    }
    const issues = unknownVariables(ast);
    if (issues.length) {
      throw new TemplateProblem(
        issues.slice(0, 20).map((i) => ({ field, message: `${i.message} on line ${i.line}` })),
        issues.some((i) => i.budget),
      );
    }
  }

  /** At send time: the same checks as on save, so a template saved before a limit existed fails once, for good. */
  private checked(field: TemplateField, source: string, compile: () => Compiled): Compiled {
    try {
      this.check(field, source);
      return compile();
    } catch (err) {
      const failure =
        err instanceof TemplateProblem
          ? new TemplateRenderError(err.budget ? 'render_budget_exceeded' : 'render_error', describe(err.issues), field)
          : new TemplateRenderError('render_error', `${field}: template does not compile: ${firstLine(err)}`, field);
      // Remembered like a compiled template, so every later message fails at once instead of compiling again.
      return () => {
        throw failure;
      };
    }
  }

  private run(field: TemplateField, template: Compiled, context: RenderContext): string {
    try {
      return template(context);
    } catch (err) {
      if (err instanceof TemplateRenderError) throw err;
      throw new TemplateRenderError('render_error', `${field}: ${firstLine(err)}`, field);
    }
  }

  private compiled(key: string, compile: () => Compiled): Compiled {
    let template = this.cache.get(key);
    if (!template) {
      template = compile();
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, template);
    }
    return template;
  }
}

/** juice over a template: its `{{…}}` tags replaced by inert tokens while the CSS is inlined, then put back. */
function inlineCss(document: string): string {
  const tags: string[] = [];
  // Lower case: the HTML parser lower-cases a token that stands where an attribute name goes.
  const token = `hbs${randomBytes(6).toString('hex')}_`;
  // Every `{{` has its `}}` (the pre-scan checked), so each match consumes what it scanned: linear.
  const shielded = document.replace(/\{\{[\s\S]*?\}\}/g, (tag) => `${token}${tags.push(tag) - 1}_`);
  const inlined = juice(shielded, { preserveMediaQueries: true, removeStyleTags: true, applyWidthAttributes: false, applyHeightAttributes: false });
  // A tag that stood where an attribute goes (`<a {{#if x}}…{{/if}}>`) comes back as an empty attribute.
  return inlined.replace(new RegExp(`${token}(\\d+)_(="")?`, 'gi'), (whole, index: string) => tags[Number(index)] ?? whole);
}

/** Checks a rendered part against `TEMPLATE_LIMITS.maxOutputChars`; a message for the merchant, or null. */
export function outputIssue(part: keyof typeof TEMPLATE_LIMITS.maxOutputChars, output: string): string | null {
  const max = TEMPLATE_LIMITS.maxOutputChars[part];
  if (output.length <= max) return null;
  const what = part === 'html' ? 'an HTML message' : part === 'text' ? 'a text part' : 'a subject';
  return `renders to ${what} of ${output.length.toLocaleString('en-US')} characters; the limit is ${max.toLocaleString('en-US')}`;
}

function toValidationError(field: TemplateField, err: unknown): ValidationError {
  if (err instanceof TemplateProblem) return new ValidationError(err.issues);
  return ValidationError.field(field, `template does not compile: ${firstLine(err)}`);
}

function describe(issues: { field: string; message: string }[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
