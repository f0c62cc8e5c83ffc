import type { NormalizedAddress } from '@boomerang/domain';
import { addressQuery, orderMap } from './order-map.js';

const address = (over: Partial<NormalizedAddress>): NormalizedAddress => ({
  name: 'Ada Lovelace', company: 'Engines Ltd', line1: null, line2: null, city: null, region: null, postalCode: null, country: null, phone: '+44 1', ...over,
});

describe('orderMap', () => {
  const shipping = address({ line1: '12 Rue de l\'Été', city: 'Paris', postalCode: '75001', country: 'FR' });

  it('links the shipping address to OpenStreetMap without a key, leaving out name, company and phone', () => {
    expect(orderMap(shipping, null, null)).toEqual({
      embedUrl: null,
      linkUrl: `https://www.openstreetmap.org/search?query=${encodeURIComponent('12 Rue de l\'Été, Paris, 75001, FR')}`,
    });
  });

  it('embeds Google Maps with a key', () => {
    const map = orderMap(shipping, null, 'KEY-1');
    expect(map.linkUrl).toBeNull();
    expect(map.embedUrl).toBe(`https://www.google.com/maps/embed/v1/place?key=KEY-1&q=${encodeURIComponent('12 Rue de l\'Été, Paris, 75001, FR')}`);
  });

  it('falls back to the billing address, and has no map without any address', () => {
    expect(orderMap(address({}), address({ city: 'Oslo' }), null).linkUrl).toBe('https://www.openstreetmap.org/search?query=Oslo');
    expect(orderMap(null, null, 'KEY')).toEqual({ embedUrl: null, linkUrl: null });
    expect(addressQuery(address({ line1: '  ' }))).toBeNull();
  });
});
