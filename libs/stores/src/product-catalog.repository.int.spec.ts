import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { ProductCatalogRepository } from './product-catalog.repository.js';

const DAY = 86_400_000;
const line = (sku: string, name: string | null = null) => ({ sku, name, quantity: 1, priceCents: 1000 });

describe('ProductCatalogRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  let a = '';
  let b = '';
  const repository = () => new ProductCatalogRepository(orm.em.fork());
  const at = (daysAgo: number) => new Date(Date.UTC(2026, 10, 20) - daysAgo * DAY);

  beforeAll(async () => {
    db = await openTestOrm('boomerang_products_repo');
    orm = db.orm;
    em = orm.em.fork();
    a = await seedRow(em, 'store');
    b = await seedRow(em, 'store');
    // Store A: COFFEE-1KG in three orders (one listing it twice), TEA-100 in one, a "100%" SKU for escaping.
    await repository().recordOrder(a, null, [line('COFFEE-1KG', 'House blend'), line('COFFEE-1KG')], at(5));
    await repository().recordOrder(a, null, [line('COFFEE-1KG', 'House blend 1kg'), line('TEA-100', 'Green tea')], at(3));
    await repository().recordOrder(a, null, [line('COFFEE-1KG')], at(1));
    await repository().recordOrder(a, null, [line('CACAO-100%', 'Pure cacao')], at(2));
    // Store B sells a SKU named like A's: never in A's answers.
    await repository().recordOrder(b, null, [line('COFFEE-DECAF', 'Decaf coffee'), line('COFFEE-1KG', 'B blend')], at(1));
  });

  afterAll(async () => {
    await db?.close();
  });

  it("lists one store's sold SKUs most-ordered first, with the latest name and the last order time", async () => {
    const all = await repository().search(a, undefined, 10);
    expect(all.map((p) => [p.sku, p.orders])).toEqual([
      ['COFFEE-1KG', 3],
      ['CACAO-100%', 1],
      ['TEA-100', 1],
    ]);
    // The name from the newest order that had one; the last order of day 1 had none and keeps it.
    expect(all[0]).toEqual({ sku: 'COFFEE-1KG', name: 'House blend 1kg', orders: 3, lastOrderedAt: at(1) });
    expect(await repository().search(b, undefined, 10)).toHaveLength(2);
  });

  it('searches by SKU or name, ignoring case, with % and _ matching themselves', async () => {
    expect((await repository().search(a, 'coffee', 10)).map((p) => p.sku)).toEqual(['COFFEE-1KG']);
    expect((await repository().search(a, 'GREEN', 10)).map((p) => p.sku)).toEqual(['TEA-100']);
    expect((await repository().search(a, '100', 10)).map((p) => p.sku)).toEqual(['CACAO-100%', 'TEA-100']);
    expect((await repository().search(a, '100%', 10)).map((p) => p.sku)).toEqual(['CACAO-100%']);
    expect(await repository().search(a, '%', 10)).toHaveLength(1);
    expect(await repository().search(a, '_', 10)).toEqual([]);
    expect(await repository().search(a, 'decaf', 10)).toEqual([]);
    expect(await repository().search(a, undefined, 1)).toHaveLength(1);
  });

  it("moves counts when an order's lines change: a SKU it lost counts one order fewer, one it gained one more", async () => {
    const c = await seedRow(em, 'store');
    await repository().recordOrder(c, null, [line('X-1', 'X'), line('Y-1', 'Y')], at(2));
    await repository().recordOrder(c, [line('X-1', 'X'), line('Y-1', 'Y')], [line('X-1', 'X'), line('Z-1', 'Z')], at(2));
    // The same lines again (a status update) change nothing.
    await repository().recordOrder(c, [line('X-1', 'X'), line('Z-1', 'Z')], [line('X-1', 'X'), line('Z-1', 'Z')], at(2));
    expect((await repository().search(c, undefined, 10)).map((p) => [p.sku, p.orders])).toEqual([
      ['X-1', 1],
      ['Z-1', 1],
    ]);
  });

  it('counts a round of orders in at once exactly as one by one: orders summed per SKU, latest name and time win', async () => {
    const orders = [
      { previous: null, lines: [line('X-1', 'X old'), line('Y-1', 'Y')], placedAt: at(5) },
      { previous: null, lines: [line('X-1', 'X new'), line('W-1', null)], placedAt: at(1) },
      { previous: null, lines: [line('X-1', 'X older'), line('W-1', 'W')], placedAt: at(9) },
      // An update of an order counted before: it loses Y-1 and gains V-1.
      { previous: [line('Y-1', 'Y'), line('U-1', 'U')], lines: [line('U-1', 'U'), line('V-1', 'V')], placedAt: at(3) },
    ];
    const [one, batch] = [await seedRow(em, 'store'), await seedRow(em, 'store')];
    for (const store of [one, batch]) await repository().recordOrder(store, null, [line('Y-1', 'Y'), line('U-1', 'U')], at(4));
    for (const o of orders) await repository().recordOrder(one, o.previous, o.lines, o.placedAt);
    await repository().recordOrders(batch, orders);
    const rows = async (store: string) =>
      (await repository().search(store, undefined, 50)).map((p) => [p.sku, p.name, p.orders, p.lastOrderedAt.toISOString()]).sort();
    expect(await rows(batch)).toEqual(await rows(one));
    expect(await rows(batch)).toContainEqual(['X-1', 'X new', 3, at(1).toISOString()]);
    // Y-1: the first order and the one before the round, less the update that dropped it.
    expect((await rows(batch)).find((r) => r[0] === 'Y-1')?.[2]).toBe(1);
  });

  it('finds rows by normalized SKU for the preview', async () => {
    expect((await repository().bySkus(a, ['COFFEE-1KG', 'NOPE'])).map((p) => p.name)).toEqual(['House blend 1kg']);
    expect(await repository().bySkus(a, [])).toEqual([]);
  });
});
