import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import juice from 'juice';
import { ValidationError } from '@boomerang/domain';
import type { RenderContext } from './render-context.js';
import { unknownVariables } from './template-variables.js';

type Compiled = Handlebars.TemplateDelegate<RenderContext>;

const BODY_SLOT = '{{> body}}';
const CACHE_LIMIT = 1_000;

export function readTemplateFile(name: string): string {
  return readFileSync(new URL(`../templates/${name}`, import.meta.url), 'utf8');
}

/**
 * Compiles each template once and reuses it for every send. The HTML body is spliced into the shared
 * layout and its CSS inlined (juice) before compiling, so inlining costs nothing per send. A private
 * Handlebars environment keeps helpers off the global instance; `strict` makes a missing variable an error,
 * not a blank.
 */
export class TemplateCompiler {
  private readonly env = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();
  private layout?: string;

  /**
   * Throws a ValidationError naming `field`, with the line of a syntax error or of every unknown
   * variable or helper. `field` is the API field the merchant edits (`subject`, `bodyHtml`, `bodyText`).
   */
  validate(field: string, source: string): void {
    let ast: hbs.AST.Program;
    try {
      ast = this.env.parse(source);
      this.env.precompile(source, { strict: true });
    } catch (err) {
      throw ValidationError.field(field, `template does not compile: ${(err as Error).message.split('\n')[0]}`);
    }
    const issues = unknownVariables(ast);
    if (issues.length) {
      throw new ValidationError(issues.slice(0, 20).map((i) => ({ field, message: `${i.message} on line ${i.line}` })));
    }
  }

  /** A subject or a plain-text part: no HTML escaping, no layout. */
  renderText(source: string, context: RenderContext): string {
    return this.compiled(`t\0${source}`, () => this.env.compile<RenderContext>(source, { strict: true, noEscape: true }))(context);
  }

  /** A fragment rendered with HTML escaping and no layout. */
  render(source: string, context: RenderContext): string {
    return this.compiled(`h\0${source}`, () => this.env.compile<RenderContext>(source, { strict: true }))(context);
  }

  /** The full HTML document: the body inside the shared layout, CSS inlined. */
  renderDocument(bodySource: string, context: RenderContext): string {
    return this.compiled(`d\0${bodySource}`, () => {
      this.layout ??= readTemplateFile('layout.hbs');
      const document = this.layout.replace(BODY_SLOT, () => bodySource);
      const inlined = juice(document, { preserveMediaQueries: true, removeStyleTags: true, applyWidthAttributes: false, applyHeightAttributes: false });
      return this.env.compile<RenderContext>(inlined, { strict: true });
    })(context);
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
