import { jest } from '@jest/globals';
import { ValidationError } from '@boomerang/domain';
import { sampleRenderContext } from './render-context.js';
import { addOpenPixel, htmlToText, renderMessage, rewriteLinks } from './render-message.js';
import { starterTemplates } from './starter-templates.js';
import { TemplateCompiler } from './template-compiler.js';

const context = sampleRenderContext();

describe('renderMessage', () => {
  const compiler = new TemplateCompiler();

  it('renders the "Time to reorder" starter as a mail client sees it: subject, inlined HTML, derived text', () => {
    const starter = starterTemplates().find((t) => t.id === 'time-to-reorder')!;
    const out = renderMessage(compiler, starter, context);
    expect(out.subject).toBe('Time to reorder House blend 1kg');
    expect(out.html).toMatchSnapshot('html');
    expect(out.text).toMatchSnapshot('text');
    // CSS lives in style attributes, only the responsive media query stays in <style>.
    expect(out.html).toMatch(/<a class="button" href="[^"]+" style="display: inline-block;[^"]*background-color: #18181b/);
    expect(out.html.match(/<style>[\s\S]*?<\/style>/)![0]).toMatch(/^<style>\s*@media/);
  });

  it('puts the logo (510×120), social links, postal address and unsubscribe link in the layout', () => {
    const out = renderMessage(compiler, { subject: 'Hi', bodyHtml: '<p>Body</p>' }, context);
    expect(out.html).toContain('<img src="https://shop.example/logo.png" width="510" height="120" alt="Bean &amp; Leaf"');
    expect(out.html).toContain('href="https://instagram.com/beanleaf"');
    expect(out.html).toContain('Bean &amp; Leaf LLC<br>1 Roast Street, Portland, OR 97201, US');
    expect(out.html).toContain('href="https://boomerang.example/api/v1/unsubscribe/TOKEN"');
    const noLogo = renderMessage(compiler, { subject: 'Hi', bodyHtml: '<p>Body</p>' }, { ...context, store: { ...context.store, logoUrl: null } });
    expect(noLogo.html).not.toContain('<img');
    expect(noLogo.html).toContain('Bean &amp; Leaf</span>');
  });

  it('escapes HTML in the body but not in the subject or a plain-text part', () => {
    const out = renderMessage(
      compiler,
      { subject: 'Back to {{store.name}}', bodyHtml: '<p>Back to {{store.name}}?</p>', bodyText: 'Back to {{store.name}}? {{customer.firstName}}' },
      { ...context, customer: { ...context.customer, firstName: '<b>Jane</b>' } },
    );
    expect(out.subject).toBe('Back to Bean & Leaf');
    expect(out.html).toContain('<p style="margin: 0 0 16px 0;">Back to Bean &amp; Leaf?</p>');
    expect(out.text).toMatch(/^Back to Bean & Leaf\? <b>Jane<\/b>\n\n--\nBean & Leaf LLC\n1 Roast Street/);
    expect(out.text).toContain('Unsubscribe: https://boomerang.example/api/v1/unsubscribe/TOKEN');
  });

  it('keeps {{…}} tags where attributes go through CSS inlining', () => {
    const bodyHtml = '<p><a {{#if store.url}}href="{{store.url}}"{{/if}} class="button">Shop</a><img {{#if store.logoUrl}}src="{{store.logoUrl}}"{{/if}}></p>';
    const out = renderMessage(compiler, { subject: 'Hi', bodyHtml }, context);
    expect(out.html).toMatch(/<a href="https:\/\/shop.example" +class="button" style="display: inline-block;/);
    expect(out.html).toContain('<img src="https://shop.example/logo.png" >');
  });

  it('fails loudly on a variable that does not exist instead of sending a blank', () => {
    expect(() => renderMessage(compiler, { subject: 'Hi {{customer.nickname}}', bodyHtml: '<p>x</p>' }, context)).toThrow(/nickname/);
  });

  it('compiles and inlines each template once, however often it is sent', () => {
    const fresh = new TemplateCompiler();
    const env = (fresh as unknown as { env: { compile: (...a: unknown[]) => unknown } }).env;
    const compile = jest.spyOn(env, 'compile');
    for (let i = 0; i < 5; i++) renderMessage(fresh, { subject: 'S {{customer.email}}', bodyHtml: '<p>{{customer.email}}</p>' }, context);
    expect(compile).toHaveBeenCalledTimes(2); // subject + document
  });
});

describe('htmlToText', () => {
  it('keeps paragraphs and link targets and drops the head', () => {
    expect(htmlToText('<html><head><title>T</title><style>p{}</style></head><p>One</p><p>Two <a href="https://x.example">link</a></p>')).toBe(
      'One\n\nTwo link (https://x.example)',
    );
  });
});

describe('tracking helpers', () => {
  const html = '<a href="https://a.example/x?y=1&amp;z=2">A</a><a href="https://b.example">B</a><a href="https://a.example/x?y=1&amp;z=2">A again</a><a href="https://u.example/unsub">U</a><a href="mailto:x@y.z">M</a>';

  it('lists distinct http(s) links in order, rewrites them by index and leaves the unsubscribe link alone', () => {
    const out = rewriteLinks(html, (_url, i) => `https://t.example/c/${i}`, (url) => url === 'https://u.example/unsub');
    expect(out.links).toEqual(['https://a.example/x?y=1&z=2', 'https://b.example']);
    expect(out.html).toBe(
      '<a href="https://t.example/c/0">A</a><a href="https://t.example/c/1">B</a><a href="https://t.example/c/0">A again</a><a href="https://u.example/unsub">U</a><a href="mailto:x@y.z">M</a>',
    );
  });

  it('adds the open pixel before </body>', () => {
    expect(addOpenPixel('<html><body><p>x</p></body></html>', 'https://t.example/o/tok.gif')).toMatch(/<img src="https:\/\/t.example\/o\/tok.gif" width="1" height="1"[^>]*>\n<\/body>/);
  });
});

describe('TemplateCompiler.validate', () => {
  const compiler = new TemplateCompiler();

  it('reports a syntax error with its line', () => {
    expect(() => compiler.validate('bodyHtml', '<p>\n{{#each}}\n</p>')).toThrow(ValidationError);
    expect(() => compiler.validate('bodyHtml', '<p>\n{{#if x}}\n</p>')).toThrow(/bodyHtml: template does not compile: .*line 3/);
  });

  it('flags every unknown variable and helper with its line, following each/with scopes', () => {
    const source = '<p>{{customer.firstName}}</p>\n{{customer.nickname}}\n{{#each products}}{{name}} {{nme}} {{../store.name}} {{@index}}{{/each}}\n{{shout customer.email}}';
    try {
      compiler.validate('bodyHtml', source);
      throw new Error('expected a ValidationError');
    } catch (err) {
      expect((err as ValidationError).issues).toEqual([
        { field: 'bodyHtml', message: 'unknown variable {{customer.nickname}} on line 2' },
        { field: 'bodyHtml', message: 'unknown variable {{nme}} on line 3' },
        { field: 'bodyHtml', message: 'unknown helper "shout" on line 4' },
      ]);
    }
  });

  it('accepts every documented variable, block params, @root and the starters', () => {
    expect(() =>
      compiler.validate(
        'bodyHtml',
        '{{#with store}}{{name}} {{address}}{{/with}}{{#each products as |p|}}{{p.reorderUrl}} {{@root.customer.email}}{{/each}}{{#if product.imageUrl}}{{product.price}}{{/if}}{{lastOrder.placedAt}}{{rule.name}}{{unsubscribeUrl}}',
      ),
    ).not.toThrow();
    for (const t of starterTemplates()) {
      expect(() => compiler.validate('subject', t.subject)).not.toThrow();
      expect(() => compiler.validate('bodyHtml', t.bodyHtml)).not.toThrow();
    }
    expect(starterTemplates().map((t) => t.name)).toEqual(['We miss you', 'Time to reorder', 'A gift to bring you back']);
  });

  it('rejects iterating a value that is not a list, and partials', () => {
    expect(() => compiler.validate('bodyHtml', '{{#each customer.email}}x{{/each}}')).toThrow(/not a list/);
    expect(() => compiler.validate('bodyHtml', '{{> footer}}')).toThrow(/partials/);
  });
});
