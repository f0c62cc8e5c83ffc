import { ValidationError } from '@boomerang/domain';
import { htmlToText, renderMessage } from './render-message.js';
import { TemplateCompiler, type RenderContext } from './template-compiler.js';

const context: RenderContext = {
  customer: { email: 'jane@example.com', firstName: 'Jane', lastName: null },
  store: { name: 'Bean & Leaf' },
  rule: { name: 'Refill' },
  lastOrder: { id: 'o1', placedAt: '2026-11-01T00:00:00Z' },
  unsubscribeUrl: 'https://shop.example/u/abc',
};

describe('renderMessage', () => {
  const compiler = new TemplateCompiler();

  it('renders subject and body with customer and store variables, escaping HTML', () => {
    const out = renderMessage(compiler, { subject: 'We miss you, {{customer.firstName}}', bodyHtml: '<p>Back to {{store.name}}?</p>' }, context);
    expect(out.subject).toBe('We miss you, Jane');
    expect(out.html).toContain('<p>Back to Bean &amp; Leaf?</p>');
    expect(out.html).toContain('href="https://shop.example/u/abc"');
    expect(out.text).toContain('Back to Bean & Leaf?');
    expect(out.text).toContain('Unsubscribe (https://shop.example/u/abc)');
  });

  it('fails loudly on a variable that does not exist instead of sending a blank', () => {
    expect(() => renderMessage(compiler, { subject: 'Hi {{customer.nickname}}', bodyHtml: '<p>x</p>' }, context)).toThrow(/nickname/);
  });

  it('reports a syntax error with its line when a template is validated', () => {
    expect(() => compiler.validate('bodyHtml', '<p>\n{{#each}}\n</p>')).toThrow(ValidationError);
    expect(() => compiler.validate('bodyHtml', '<p>\n{{#if x}}\n</p>')).toThrow(/line 3/);
  });
});

describe('htmlToText', () => {
  it('keeps paragraphs and link targets', () => {
    expect(htmlToText('<p>One</p><p>Two <a href="https://x.example">link</a></p>')).toBe('One\n\nTwo link (https://x.example)');
  });
});
