import Handlebars from 'handlebars';
import { ValidationError } from '@boomerang/domain';

type Compiled = Handlebars.TemplateDelegate<RenderContext>;

export interface RenderContext {
  customer: { email: string; firstName: string | null; lastName: string | null };
  store: { name: string };
  rule: { name: string };
  lastOrder: { id: string; placedAt: string } | null;
  unsubscribeUrl: string;
}

/**
 * Compiles each template source once and reuses it for every send. A private Handlebars environment
 * keeps our helpers off the global instance; `strict` makes a misspelled variable an error, not a blank.
 */
export class TemplateCompiler {
  private readonly env = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();

  /** Throws a ValidationError naming `field` and the line of a syntax error. */
  validate(field: string, source: string): void {
    try {
      this.env.precompile(source, { strict: true });
    } catch (err) {
      throw ValidationError.field(field, `template does not compile: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  render(source: string, context: RenderContext): string {
    let template = this.cache.get(source);
    if (!template) {
      template = this.env.compile<RenderContext>(source, { strict: true });
      if (this.cache.size > 1_000) this.cache.clear();
      this.cache.set(source, template);
    }
    return template(context);
  }
}
