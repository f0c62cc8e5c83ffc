import { currentNavItem, storeNav } from './nav.js';

describe('currentNavItem', () => {
  const items = storeNav('s1');

  it('marks the store home only on the home page', () => {
    expect(currentNavItem(items, '/stores/s1')?.label).toBe('Dashboard');
    expect(currentNavItem(items, '/stores/s1/')?.label).toBe('Dashboard');
  });

  it('marks the section a page lies in, the most specific first', () => {
    expect(currentNavItem(items, '/stores/s1/settings/logo')?.label).toBe('Settings');
    expect(currentNavItem(items, '/stores/s1/workflows')?.label).toBe('Workflows');
    expect(currentNavItem(items, '/stores/s1/workflows/r1/edit')?.label).toBe('Workflows');
    expect(currentNavItem(items, '/stores/s1/workflows/logs')?.label).toBe('Logs');
    expect(currentNavItem(items, '/stores/s1/connection')?.label).toBe('Connection');
    expect(currentNavItem(items, '/stores/s1/segments/g1')?.label).toBe('Segments');
    expect(currentNavItem(items, '/stores/s1/customers')?.label).toBe('Customers');
    expect(currentNavItem(items, '/stores/s1/customers/c1/privacy')?.label).toBe('Customers');
    expect(currentNavItem(items, '/stores/s1/orders/o1')?.label).toBe('Orders');
    expect(currentNavItem(items, '/stores/s1/settings/sync')?.label).toBe('Settings');
    expect(currentNavItem(items, '/stores/s1/webhooks/w1')?.label).toBe('Webhooks');
    expect(currentNavItem(items, '/stores/s1/apps/new')?.label).toBe('Apps');
  });

  it('marks nothing outside the store', () => {
    expect(currentNavItem(items, '/account')).toBeUndefined();
    expect(currentNavItem(items, '/stores/s10')).toBeUndefined();
  });
});
