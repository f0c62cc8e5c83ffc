import type { EntityManager } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { OrderTrackingRepository } from './order-tracking.repository.js';

describe('order tracking rows (PostgreSQL)', () => {
  let db: TestOrm;
  let em: EntityManager;
  const a = { store: '', order: '' };
  const b = { store: '' };

  beforeAll(async () => {
    db = await openTestOrm('boomerang_order_tracking');
    em = db.orm.em.fork();
    a.store = await seedRow(em, 'store');
    b.store = await seedRow(em, 'store');
    const customer = await seedRow(em, 'customer', { store_id: a.store });
    a.order = await seedRow(em, 'store_order', { store_id: a.store, customer_id: customer, external_id: '450789469', placed_at: new Date(), source_updated_at: new Date(), received_at: new Date() });
    await new OrderTrackingRepository(em).insert(a.store, a.order, { carrier: 'UPS', number: '1Z999AA10123456784', url: null, pushedTo: 'shopify', platformReference: '255858046', addedAt: new Date('2026-03-01T10:00:00Z') });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('finds the order (its platform id) and its rows in its own store only', async () => {
    const repository = new OrderTrackingRepository(em);
    expect(await repository.order(a.store, a.order)).toEqual({ id: a.order, externalId: '450789469' });
    expect(await repository.order(b.store, a.order)).toBeNull();
    expect(await repository.list(a.store, a.order)).toEqual([
      { id: expect.any(String), carrier: 'UPS', number: '1Z999AA10123456784', url: null, pushedTo: 'shopify', platformReference: '255858046', addedAt: new Date('2026-03-01T10:00:00Z') },
    ]);
    expect(await repository.list(b.store, a.order)).toEqual([]);
    expect(await repository.find(b.store, a.order, 'UPS', '1Z999AA10123456784')).toBeNull();
  });

  it('matches a carrier in any case and a number in any case as the same one', async () => {
    expect(await new OrderTrackingRepository(em).find(a.store, a.order, 'ups', '1z999aa10123456784')).toMatchObject({ carrier: 'UPS', platformReference: '255858046' });
    expect(await new OrderTrackingRepository(em).find(a.store, a.order, 'FedEx', '1Z999AA10123456784')).toBeNull();
  });

  it('refuses a second row of the same carrier and number on the order (the unique index behind the lock)', async () => {
    const again = new OrderTrackingRepository(em).insert(a.store, a.order, { carrier: 'ups', number: '1z999aa10123456784', url: null, pushedTo: null, platformReference: null, addedAt: new Date() });
    await expect(again).rejects.toThrow(/order_tracking_order_number_unique/);
  });
});
