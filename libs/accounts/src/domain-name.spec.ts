import { normaliseDomain } from './domain-name.js';

describe('normaliseDomain', () => {
  it.each([
    ['shop.example.com', 'shop.example.com'],
    ['https://WWW.Shop.Example.com/products?x=1', 'shop.example.com'],
    ['http://www.shop.example:8080', 'shop.example'],
    ['  Shop.Example.  ', 'shop.example'],
    ['www.example.co.uk/path', 'example.co.uk'],
    ['bücher.example', 'xn--bcher-kva.example'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseDomain(input)).toBe(expected);
  });

  it.each(['', 'localhost', 'not a domain', '127.0.0.1', 'http://', 'ftp//x', 'a..b.com', '-shop.example'])('refuses %j', (input) => {
    expect(normaliseDomain(input)).toBeNull();
  });
});
