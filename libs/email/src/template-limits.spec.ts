import { jest } from '@jest/globals';
import { ValidationError } from '@boomerang/domain';
import { RENDER_CONTEXT_LIMITS, sampleRenderContext, type ProductVariables } from './render-context.js';
import { htmlToText, renderMessage, rewriteLinks } from './render-message.js';
import { TemplateCompiler } from './template-compiler.js';
import { TemplateRenderError } from './template-errors.js';
import { TEMPLATE_LIMITS } from './template-limits.js';

// The reproducers of issue 10, defects 1, 2, 3 and 11.
const NESTED_IFS = '{{#if customer.firstName}}'.repeat(5_000) + 'x' + '{{/if}}'.repeat(5_000);
const ATTRIBUTE_OF_ANCHORS = '<p title="' + '<a '.repeat(32_000) + '">x</p>';
const NESTED_DIVS = '<div>'.repeat(5_000) + 'x' + '</div>'.repeat(5_000);
const TRIPLE_EACH = '{{#each products}}{{#each ../products}}{{#each ../../products}}x{{/each}}{{/each}}{{/each}}';
const EACH_OVER_ROOT = '{{#each products}}{{#each @root.products}}{{name}}{{/each}}{{/each}}';

/** The issues of the ValidationError `fn` throws. */
function rejection(fn: () => void): { field: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

/** The TemplateRenderError `fn` throws. */
function renderFailure(fn: () => unknown): TemplateRenderError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateRenderError);
    return err as TemplateRenderError;
  }
  throw new Error('expected a TemplateRenderError');
}

/** Spies on the private Handlebars environment: the parser and compiler must not see what the pre-scan refuses. */
function spied(compiler: TemplateCompiler) {
  const env = (compiler as unknown as { env: { parse: (...a: unknown[]) => unknown; compile: (...a: unknown[]) => unknown } }).env;
  return { parse: jest.spyOn(env, 'parse'), compile: jest.spyOn(env, 'compile') };
}

const context = sampleRenderContext();

const product = (i: number, name = `Product ${i}`): ProductVariables => ({
  sku: `SKU-${i}`,
  name,
  quantity: 1,
  price: '$1.00',
  imageUrl: null,
  url: `https://shop.example/p/${i}`,
  reorderUrl: null,
});

describe('template limits on save', () => {
  it('refuses defect 1 (5,000 nested {{#if}}, 165 KB) by its size, naming bodyHtml, before Handlebars parses it', () => {
    const compiler = new TemplateCompiler();
    const { parse, compile } = spied(compiler);
    expect(rejection(() => compiler.validate('bodyHtml', NESTED_IFS))).toEqual([
      { field: 'bodyHtml', message: 'is 165,001 characters long; the limit is 100,000' },
    ]);
    expect(parse).not.toHaveBeenCalled();
    expect(compile).not.toHaveBeenCalled();
  });

  it('refuses deep block nesting within the size limit, with its line, before Handlebars parses it', () => {
    const compiler = new TemplateCompiler();
    const { parse } = spied(compiler);
    const source = '<p>\n' + '{{#if customer.firstName}}'.repeat(1_000) + 'x' + '{{/if}}'.repeat(1_000);
    expect(rejection(() => compiler.validate('bodyHtml', source))).toEqual([
      { field: 'bodyHtml', message: `nests blocks more than ${TEMPLATE_LIMITS.maxBlockDepth} deep (line 2); simplify the {{#if}}/{{#each}} structure` },
    ]);
    // `{{else if}}` chains nest in the parsed template too.
    const chain = '{{#if customer.firstName}}' + '{{else if customer.lastName}}'.repeat(20) + '{{/if}}';
    expect(rejection(() => compiler.validate('subject', chain))[0]!.message).toMatch(/^nests blocks more than 10 deep/);
    expect(parse).not.toHaveBeenCalled();
  });

  it('refuses too many {{…}} tags, an unclosed tag, and each field over its size', () => {
    const compiler = new TemplateCompiler();
    expect(rejection(() => compiler.validate('bodyText', '{{customer.email}} '.repeat(1_001)))[0]).toEqual({
      field: 'bodyText',
      message: 'has more than 1,000 {{…}} tags; split the message or simplify it',
    });
    expect(rejection(() => compiler.validate('bodyHtml', '<p>\n\n{{customer.email</p>'))[0]!.message).toBe('has a {{ on line 3 that is never closed with }}');
    expect(rejection(() => compiler.validate('subject', 'x'.repeat(999)))[0]).toEqual({ field: 'subject', message: 'is 999 characters long; the limit is 998' });
    expect(rejection(() => compiler.validate('bodyText', 'x'.repeat(20_001)))[0]!.field).toBe('bodyText');
  });

  it('refuses defect 3\'s 5,000 nested <div> (a stack overflow in CSS inlining) before juice sees it', () => {
    const compiler = new TemplateCompiler();
    const { compile } = spied(compiler);
    expect(rejection(() => compiler.validate('bodyHtml', NESTED_DIVS))).toEqual([
      { field: 'bodyHtml', message: 'nests HTML elements more than 50 deep (line 1)' },
    ]);
    expect(compile).not.toHaveBeenCalled();
    expect(rejection(() => compiler.validate('bodyHtml', '<p>x</p>'.repeat(1_001)))[0]!.message).toBe(
      'has more than 1,000 HTML elements; simplify the message',
    );
    expect(rejection(() => compiler.validate('bodyHtml', `<style>${'p{color:red}'.repeat(500)}</style>`))[0]!.message).toMatch(/characters of CSS/);
  });

  it('refuses a loop inside a loop: defect 3\'s triple {{#each}}, and products × @root.products from defect 2', () => {
    const compiler = new TemplateCompiler();
    const message = 'a loop over a list inside another loop is not allowed: use one {{#each}} at a time on line 1';
    expect(rejection(() => compiler.validate('bodyHtml', TRIPLE_EACH))).toEqual([
      { field: 'bodyHtml', message },
      { field: 'bodyHtml', message },
    ]);
    expect(rejection(() => compiler.validate('bodyHtml', EACH_OVER_ROOT))).toEqual([{ field: 'bodyHtml', message }]);
    // A list used as a block iterates too; iterating an object is refused.
    expect(rejection(() => compiler.validate('bodyHtml', '{{#products}}{{#each ../products}}x{{/each}}{{/products}}'))[0]!.message).toBe(message);
    expect(rejection(() => compiler.validate('bodyHtml', '{{#each customer}}x{{/each}}'))[0]!.message).toBe('{{#each customer}} is not a list on line 1');
    // One loop, with conditions and the store inside it, is fine.
    expect(() => compiler.validate('bodyHtml', '{{#each products}}{{#if url}}<a href="{{url}}">{{name}}</a>{{/if}} {{@root.store.name}}{{/each}}')).not.toThrow();
  });

  it('refuses {{log}} and {{lookup}} (defect 11): only if, unless, each and with exist', () => {
    const compiler = new TemplateCompiler();
    expect(rejection(() => compiler.validate('bodyHtml', '<p>{{log "INFO forged line"}}</p>'))).toEqual([
      { field: 'bodyHtml', message: 'unknown helper "log" on line 1' },
    ]);
    expect(rejection(() => compiler.validate('subject', '{{lookup products 0}}'))).toEqual([{ field: 'subject', message: 'unknown helper "lookup" on line 1' }]);
    expect(rejection(() => compiler.validate('subject', '{{#with (lookup products 0)}}{{nickname}}{{/with}}'))[0]!.message).toBe('unknown helper "lookup" on line 1');
    expect(rejection(() => compiler.validate('subject', '{{if customer.firstName}}'))[0]!.message).toBe('"if" only opens a block: {{#if …}}…{{/if}} on line 1');
  });

  it('renders each field at save against the heaviest context a send can have, and refuses output over the limits', () => {
    const compiler = new TemplateCompiler();
    // 600 mentions of the product name in a loop: 50 products × 600 × 200 characters, far over 400,000.
    const heavy = '{{#each products}}<p>' + '{{name}} '.repeat(600) + '</p>{{/each}}';
    expect(rejection(() => compiler.validate('bodyHtml', heavy))[0]!.message).toMatch(
      /^renders to an HTML message of [\d,]+ characters; the limit is 400,000, rendered with 50 products with long names/,
    );
    expect(rejection(() => compiler.validate('subject', '{{#each products}}{{name}}{{/each}}'))[0]).toMatchObject({
      field: 'subject',
      message: expect.stringMatching(/^renders to a subject of 10,000 characters; the limit is 998/),
    });
    // A runtime failure found by the trial render is a validation error too.
    expect(rejection(() => compiler.validate('bodyHtml', '{{#if customer.firstName customer.lastName}}x{{/if}}'))[0]!.message).toMatch(/needs exactly one value/);
  });
});

describe('render budget at send', () => {

  it('fails a template saved before the limits with TemplateRenderError, never a stack overflow or a retryable error', () => {
    const compiler = new TemplateCompiler();
    for (const bodyHtml of [NESTED_DIVS, TRIPLE_EACH, NESTED_IFS]) {
      const failure = renderFailure(() => renderMessage(compiler, { subject: 'Hi', bodyHtml }, context));
      expect(failure).toMatchObject({ reason: 'render_budget_exceeded', field: 'bodyHtml' });
      // Remembered: the next message fails the same way without compiling again.
      expect(renderFailure(() => renderMessage(compiler, { subject: 'Hi', bodyHtml }, context))).toBe(failure);
    }
    expect(renderFailure(() => renderMessage(compiler, { subject: 'Hi {{customer.nickname}}', bodyHtml: '<p>x</p>' }, context))).toMatchObject({
      reason: 'render_error',
      field: 'subject',
    });
  });

  it('has no log helper: {{log}} in a stored template writes nothing to the worker\'s log', () => {
    const compiler = new TemplateCompiler();
    const writes = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation(() => {}));
    try {
      const failure = renderFailure(() => compiler.render('{{log "INFO forged line"}}', context));
      expect(failure.reason).toBe('render_error');
      for (const write of writes) expect(write).not.toHaveBeenCalled();
    } finally {
      for (const write of writes) write.mockRestore();
    }
  });

  it('bounds the context: at most 50 products, long names shortened, over-long URLs left out', () => {
    const compiler = new TemplateCompiler();
    const products = Array.from({ length: 1_000 }, (_, i) => product(i, i === 0 ? 'N'.repeat(5_000) : `Product ${i}`));
    products[1]!.url = `https://shop.example/${'u'.repeat(5_000)}`;
    const message = renderMessage(compiler, { subject: 'x', bodyHtml: '<p>x</p>', bodyText: '{{#each products}}{{name}}|{{url}};{{/each}}' }, { ...context, products, product: products[0]! });
    const entries = message.text.split('\n\n')[0]!.split(';').filter(Boolean);
    expect(entries).toHaveLength(RENDER_CONTEXT_LIMITS.maxProducts);
    expect(entries[0]).toBe(`${'N'.repeat(199)}…|https://shop.example/p/0`);
    expect(entries[1]).toBe('Product 1|');
  });

  it('fails a message whose output is over the limit with output_too_large', () => {
    const compiler = new TemplateCompiler();
    // Within every source limit, but 50 long names × 900 mentions: only the output check can stop it.
    const products = Array.from({ length: 50 }, (_, i) => product(i, 'N'.repeat(200)));
    const bodyHtml = '{{#each products}}' + '{{name}}'.repeat(900) + '{{/each}}';
    expect(renderFailure(() => renderMessage(compiler, { subject: 'x', bodyHtml }, { ...context, products }))).toMatchObject({
      reason: 'output_too_large',
      field: 'bodyHtml',
      message: expect.stringMatching(/^bodyHtml: renders to an HTML message of 9,0\d\d,\d\d\d characters; the limit is 400,000$/),
    });
  });
});

/**
 * The longest string any regular expression ran over during `fn`. Regular expressions over whole messages were
 * defect 2's quadratic cost (`<a\s[^>]*href=…` rescans the rest of the HTML from every `<a `); a tokenizer is
 * linear by construction. Counting what regular expressions see is a deterministic stand-in for a timing.
 */
function longestRegexSubject(fn: () => void): number {
  let longest = 0;
  const exec = RegExp.prototype.exec;
  const spy = jest.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, subject: string) {
    longest = Math.max(longest, String(subject).length);
    return exec.call(this, subject);
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return longest;
}

describe('render cost is linear in the template', () => {
  // Defect 2: a 96 KB attribute full of `<a ` made one render take 3.7 s (regular expressions over the whole HTML,
  // once per `<a `). Render it, and twice as much, through every step a send runs.
  it('accepts and renders defect 2\'s template: the output is the template plus the layout, the same text part', () => {
    const compiler = new TemplateCompiler();
    expect(() => compiler.validate('bodyHtml', ATTRIBUTE_OF_ANCHORS)).not.toThrow();
    const empty = renderMessage(compiler, { subject: 'x', bodyHtml: '<p title="">x</p>' }, context);
    const out = renderMessage(compiler, { subject: 'x', bodyHtml: ATTRIBUTE_OF_ANCHORS }, context);
    // Work shows in output: the message grows by no more than the template did.
    expect(out.html.length - empty.html.length).toBeLessThanOrEqual(ATTRIBUTE_OF_ANCHORS.length);
    expect(out.text).toBe(empty.text);
    // Per message (compiled once already), no regular expression reads the 96 KB: only values and the text part.
    expect(longestRegexSubject(() => renderMessage(compiler, { subject: 'x', bodyHtml: ATTRIBUTE_OF_ANCHORS }, context))).toBeLessThan(1_000);
    let tracked = { html: '', links: [] as string[] };
    expect(longestRegexSubject(() => (tracked = rewriteLinks(out.html, (_url, i) => `https://t.example/c/${i}`)))).toBeLessThan(1_000);
    expect(tracked.links).toEqual(rewriteLinks(empty.html, null).links);
    expect(tracked.html.length).toBeLessThan(out.html.length);
  });

  it('derives text and rewrites links over 384 KB of `<a ` in one tokenizer pass: no regular expression reads the HTML', () => {
    const html = `<html><body><p title="${'<a '.repeat(64_000)}">One</p><a href="https://x.example/?a=1&amp;b=2">Two</a><!-- ${'<a '.repeat(64_000)}<head --></body></html>`;
    let text = '';
    let tracked = { html: '', links: [] as string[] };
    // No regular expression sees more than the text part or one attribute: the 384 KB of HTML is read once, by the tokenizer.
    expect(longestRegexSubject(() => (text = htmlToText(html)))).toBeLessThanOrEqual(100);
    expect(longestRegexSubject(() => (tracked = rewriteLinks(html, (_url, i) => `https://t.example/c/${i}`)))).toBeLessThanOrEqual(100);
    expect(text).toBe('One\n\nTwo (https://x.example/?a=1&b=2)');
    expect(tracked.links).toEqual(['https://x.example/?a=1&b=2']);
    expect(tracked.html).toBe(html.replace('https://x.example/?a=1&amp;b=2', 'https://t.example/c/0'));
  });
});
