import { connectInput, connectionAddress, formatProductCount, isConnectPlatform, isLinked, platformLabel, type StoreConnection } from './connection.js';

describe('connection vocabulary', () => {
  it("sends each platform's own fields, trimmed, and nothing else", () => {
    expect(connectInput('shopify', { shopDomain: ' beans.myshopify.com ', accessToken: 'shpat_1', apiSecretKey: 's', siteUrl: 'x' })).toEqual({
      platform: 'shopify',
      shopDomain: 'beans.myshopify.com',
      accessToken: 'shpat_1',
      apiSecretKey: 's',
    });
    expect(connectInput('woocommerce', { siteUrl: 'https://shop.example' })).toEqual({
      platform: 'woocommerce',
      siteUrl: 'https://shop.example',
      consumerKey: '',
      consumerSecret: '',
    });
    expect(connectInput('bigcommerce', { storeHash: 'abc', accessToken: 't' })).toEqual({ platform: 'bigcommerce', storeHash: 'abc', accessToken: 't' });
    expect(connectInput('custom', { shopDomain: 'ignored' })).toEqual({ platform: 'custom' });
  });

  it('names platforms as merchants know them and refuses unknown ones', () => {
    expect(platformLabel('woocommerce')).toBe('WooCommerce');
    expect(platformLabel('custom')).toBe('Custom cart');
    expect(isConnectPlatform('bigcommerce')).toBe(true);
    expect(isConnectPlatform('magento')).toBe(false);
  });

  it("shows where a connection points in the platform's terms", () => {
    const base: StoreConnection = {
      platform: 'shopify',
      status: 'connected',
      lastError: null,
      lastEventAt: null,
      connectedAt: null,
      updatedAt: null,
      identifiers: {},
      webhookTopics: [],
      webhookUrl: null,
      importUrl: null,
      counts: { apps: 0, activeWorkflows: 0 },
      productCount: null,
      productCountAt: null,
    };
    expect(connectionAddress({ ...base, identifiers: { shopDomain: 'beans.myshopify.com' } })).toBe('beans.myshopify.com');
    expect(connectionAddress({ ...base, platform: 'bigcommerce', identifiers: { storeHash: 'abc123' } })).toBe('store hash abc123');
    expect(connectionAddress({ ...base, platform: 'custom' })).toBeNull();
    expect(isLinked(base)).toBe(true);
    expect(isLinked({ ...base, status: 'failing' })).toBe(true);
    expect(isLinked({ ...base, status: 'disconnected' })).toBe(false);
    expect(isLinked({ ...base, platform: null, status: 'disconnected' })).toBe(false);
  });

  it('counts products exactly up to a million, then 1M+', () => {
    expect(formatProductCount(0)).toBe('0');
    expect(formatProductCount(12_345)).toBe('12,345');
    expect(formatProductCount(1_000_000)).toBe('1,000,000');
    expect(formatProductCount(1_000_001)).toBe('1M+');
  });
});
