import { fitsVisualEditor } from './template-variables.js';

describe('fitsVisualEditor', () => {
  it('accepts what the editor writes: paragraphs, headings, lists, links, marks and variables', () => {
    expect(fitsVisualEditor('<h2>Hi {{customer.firstName}}</h2><p><strong>Time</strong> to <a href="https://x">reorder</a></p><ul><li>a</li></ul>')).toBe(true);
  });

  it('refuses what it would drop: block helpers, tables, images and inline styles', () => {
    expect(fitsVisualEditor('{{#if customer.firstName}}x{{/if}}')).toBe(false);
    expect(fitsVisualEditor('<table role="presentation"><tr><td>x</td></tr></table>')).toBe(false);
    expect(fitsVisualEditor('<img src="x">')).toBe(false);
    expect(fitsVisualEditor('<p style="color:red">x</p>')).toBe(false);
    expect(fitsVisualEditor('<a class="button" href="x">x</a>')).toBe(false);
  });
});
