import { campaignSlug, tagLinks, withUtm } from './utm.js';

const tags = { campaign: 'coffee-refill' };
const UTM = 'utm_source=boomerang&utm_medium=email&utm_campaign=coffee-refill';

describe('UTM tags on the links of our emails', () => {
  it('adds source, medium and campaign, keeping the link\'s parameters and fragment', () => {
    expect(withUtm('https://beanthere.example/products/house-blend', tags)).toBe(`https://beanthere.example/products/house-blend?${UTM}`);
    expect(withUtm('https://beanthere.example/cart?add=COFFEE-1KG&qty=2#checkout', tags)).toBe(`https://beanthere.example/cart?add=COFFEE-1KG&qty=2&${UTM}#checkout`);
    expect(withUtm('https://beanthere.example/?', tags)).toBe(`https://beanthere.example/?${UTM}`);
  });

  it('never replaces a utm_* the merchant wrote', () => {
    expect(withUtm('https://beanthere.example/?utm_campaign=spring-sale', tags)).toBe('https://beanthere.example/?utm_campaign=spring-sale&utm_source=boomerang&utm_medium=email');
    const own = 'https://beanthere.example/?utm_source=news&utm_medium=mail&utm_campaign=x';
    expect(withUtm(own, tags)).toBe(own);
  });

  it('names the campaign after the rule', () => {
    expect(campaignSlug('Coffee refill (30 days)')).toBe('coffee-refill-30-days');
    expect(campaignSlug('Café crème — Ünïcode!')).toBe('cafe-creme-unicode');
    expect(campaignSlug('!!!')).toBe('workflow');
    expect(campaignSlug('x'.repeat(100))).toHaveLength(60);
  });

  it('tags the store\'s links in the HTML and the text part, not the unsubscribe link, other sites or the open pixel', () => {
    const unsubscribe = 'https://api.boomerang.example/api/v1/unsubscribe/tok';
    const html = [
      '<p><a href="https://beanthere.example/products/house-blend">House blend</a>',
      '<a href="https://shop.beanthere.example/cart?add=1&amp;qty=2">Buy again</a>',
      '<a href="https://www.beanthere.example/">Store</a>',
      '<a href="https://instagram.com/beanthere">Instagram</a>',
      `<a href="${unsubscribe}">Unsubscribe</a></p>`,
      '<img src="https://beanthere.example/logo.png">',
    ].join('');
    const text = `House blend (https://beanthere.example/products/house-blend)\nUnsubscribe: ${unsubscribe}\nStore (https://www.beanthere.example/)`;
    const out = tagLinks({ html, text }, tags, { storeDomain: 'beanthere.example', skip: (u) => u === unsubscribe });
    expect(out.html).toContain(`href="https://beanthere.example/products/house-blend?${UTM.replaceAll('&', '&amp;')}"`);
    expect(out.html).toContain(`href="https://shop.beanthere.example/cart?add=1&amp;qty=2&amp;${UTM.replaceAll('&', '&amp;')}"`);
    expect(out.html).toContain(`href="https://www.beanthere.example/?${UTM.replaceAll('&', '&amp;')}"`);
    expect(out.html).toContain('href="https://instagram.com/beanthere"');
    expect(out.html).toContain(`href="${unsubscribe}"`);
    expect(out.html).toContain('<img src="https://beanthere.example/logo.png">');
    expect(out.text).toBe(`House blend (https://beanthere.example/products/house-blend?${UTM})\nUnsubscribe: ${unsubscribe}\nStore (https://www.beanthere.example/?${UTM})`);
  });

  it('tags every link but the skipped ones when the store has no domain', () => {
    const out = tagLinks({ html: '<a href="https://any.example/x">x</a><a href="https://us.example/u">u</a>', text: '' }, tags, { storeDomain: null, skip: (u) => u.startsWith('https://us.example/') });
    expect(out.html).toBe(`<a href="https://any.example/x?${UTM.replaceAll('&', '&amp;')}">x</a><a href="https://us.example/u">u</a>`);
  });
});
