import { ValidationError } from '@boomerang/domain';
import { parseOrThrow } from '@boomerang/validation';
import { assertReachableSite, connectionInputSchema, identifiersOf } from './connection-input.js';

const parse = (body: unknown) => parseOrThrow(connectionInputSchema, body);
function fieldsOf(body: unknown): string[] {
  try {
    parse(body);
  } catch (err) {
    return (err as ValidationError).issues.map((i) => i.field).sort();
  }
  throw new Error('expected a ValidationError');
}
const ENDPOINTS = { shopifyOrigin: null, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: false };

describe('connectionInputSchema', () => {
  it('takes each platform in its own terms', () => {
    expect(parse({ platform: 'shopify', shopDomain: ' https://Bean-There.myshopify.com/admin ', accessToken: 'shpat_1', apiSecretKey: 'shpss_1' })).toEqual({
      platform: 'shopify',
      shopDomain: 'bean-there.myshopify.com',
      accessToken: 'shpat_1',
      apiSecretKey: 'shpss_1',
    });
    expect(parse({ platform: 'woocommerce', siteUrl: 'https://shop.example.com/', consumerKey: 'ck_1', consumerSecret: 'cs_1' })).toMatchObject({ siteUrl: 'https://shop.example.com' });
    expect(parse({ platform: 'bigcommerce', storeHash: 'ABC123', accessToken: 'tok' })).toMatchObject({ storeHash: 'abc123' });
    expect(parse({ platform: 'custom' })).toEqual({ platform: 'custom' });
  });

  it('names each bad or missing field', () => {
    expect(fieldsOf({ platform: 'shopify', shopDomain: 'bean-there.com', accessToken: 'has space' })).toEqual(['accessToken', 'apiSecretKey', 'shopDomain']);
    expect(fieldsOf({ platform: 'woocommerce', siteUrl: 'javascript:alert(1)', consumerKey: '', consumerSecret: 'cs' })).toEqual(['consumerKey', 'siteUrl']);
    expect(fieldsOf({ platform: 'bigcommerce', storeHash: 'abc/../x', accessToken: 'tok' })).toEqual(['storeHash']);
    expect(fieldsOf({ platform: 'magento' })).toEqual(['platform']);
    expect(fieldsOf({ platform: 'custom', accessToken: 'x' })).toEqual(['(body)']);
  });

  it('shows identifiers, never a secret', () => {
    const shopify = parse({ platform: 'shopify', shopDomain: 'a.myshopify.com', accessToken: 'shpat_1', apiSecretKey: 'shpss_1' });
    expect(identifiersOf(shopify)).toEqual({ shopDomain: 'a.myshopify.com' });
    expect(identifiersOf(parse({ platform: 'woocommerce', siteUrl: 'https://s.example', consumerKey: 'ck', consumerSecret: 'cs' }))).toEqual({ siteUrl: 'https://s.example' });
    expect(identifiersOf(parse({ platform: 'bigcommerce', storeHash: 'abc', accessToken: 't' }))).toEqual({ storeHash: 'abc' });
  });
});

describe('assertReachableSite', () => {
  it('wants a public https site in production', () => {
    expect(() => assertReachableSite('https://shop.example.com', ENDPOINTS)).not.toThrow();
    for (const url of ['http://shop.example.com', 'https://127.0.0.1:8443', 'https://localhost', 'https://10.1.2.3', 'https://192.168.0.10', 'https://169.254.169.254', 'https://[::1]']) {
      expect(() => assertReachableSite(url, ENDPOINTS)).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'siteUrl' })] }));
    }
  });

  it('allows http on loopback when ALLOW_INSECURE_PLATFORM_URLS is set (development, tests)', () => {
    expect(() => assertReachableSite('http://127.0.0.1:4100', { ...ENDPOINTS, allowInsecureSiteUrls: true })).not.toThrow();
  });
});
