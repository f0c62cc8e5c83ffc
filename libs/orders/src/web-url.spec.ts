import { webUrl } from './web-url.js';

describe('webUrl', () => {
  it('keeps absolute http(s) URLs and drops every other scheme, relative paths and junk', () => {
    expect(webUrl('https://cdn.example/p.png')).toBe('https://cdn.example/p.png');
    expect(webUrl('http://shop.example/admin/orders/1')).toBe('http://shop.example/admin/orders/1');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:image/png;base64,AAAA', '/relative', 'not a url', '', null, undefined]) {
      expect(webUrl(bad)).toBeNull();
    }
  });
});
