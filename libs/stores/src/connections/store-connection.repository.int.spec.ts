import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { StoreConnectionRepository, type ConnectionRecord } from './store-connection.repository.js';

describe('StoreConnectionRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  const repository = () => new StoreConnectionRepository(orm.em.fork());
  const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 6, 0, s));
  const record = (overrides: Partial<ConnectionRecord> = {}): Omit<ConnectionRecord, 'lastEventAt' | 'productCount'> => ({
    platform: 'shopify',
    credentialsSealed: 'v1.sealed.credentials',
    webhookSecretSealed: 'v1.sealed.secret',
    identifiers: { shopDomain: 'a.myshopify.com' },
    registeredWebhooks: [{ id: '9007199254740993', topic: 'orders/create' }],
    status: 'connected',
    lastError: null,
    connectedAt: at(0),
    updatedAt: at(0),
    ...overrides,
  });

  beforeAll(async () => {
    db = await openTestOrm('boomerang_connection_repo');
    orm = db.orm;
    em = orm.em.fork();
  });

  afterAll(async () => {
    await db?.close();
  });

  it('keeps one connection per store, replaced by save; stores never see each other', async () => {
    const a = await seedRow(em, 'store');
    const b = await seedRow(em, 'store');
    await repository().save(a, record());
    await repository().save(b, record({ platform: 'woocommerce', identifiers: { siteUrl: 'https://b.example' }, registeredWebhooks: [] }));
    await repository().save(a, record({ status: 'failing', lastError: 'Shopify answered 401: bad token', updatedAt: at(5) }));
    expect(await repository().find(a)).toEqual({ ...record({ status: 'failing', lastError: 'Shopify answered 401: bad token', updatedAt: at(5) }), lastEventAt: null, productCount: null });
    expect((await repository().find(b))?.identifiers).toEqual({ siteUrl: 'https://b.example' });
    expect(await repository().find(await seedRow(em, 'store'))).toBeNull();
    const [{ n }] = await em.execute<{ n: string }[]>(`select count(*) as n from store_connection where store_id = ?`, [a]);
    expect(Number(n)).toBe(1);
  });

  it('changes only the status with setStatus', async () => {
    const a = await seedRow(em, 'store');
    await repository().save(a, record());
    await repository().setStatus(a, 'failing', 'Shopify answered 503: down', at(9));
    expect(await repository().find(a)).toEqual({ ...record(), status: 'failing', lastError: 'Shopify answered 503: down', updatedAt: at(9), lastEventAt: null, productCount: null });
  });

  it('keeps the product count apart: set after a connect, cleared by the next save (it may be another shop\'s)', async () => {
    const a = await seedRow(em, 'store');
    const b = await seedRow(em, 'store');
    await repository().save(a, record());
    await repository().save(b, record());
    await repository().setProductCount(a, 1_000_001, at(7));
    expect((await repository().find(a))?.productCount).toEqual({ count: 1_000_001, countedAt: at(7) });
    expect((await repository().find(b))?.productCount).toBeNull();
    await repository().setStatus(a, 'failing', 'Shopify answered 503: down', at(8));
    expect((await repository().find(a))?.productCount).toEqual({ count: 1_000_001, countedAt: at(7) });
    await repository().save(a, record({ identifiers: { shopDomain: 'other.myshopify.com' } }));
    expect((await repository().find(a))?.productCount).toBeNull();
  });

  it('gives a receiver the sealed secret only for the connected platform, never for a disconnected store', async () => {
    const a = await seedRow(em, 'store');
    const b = await seedRow(em, 'store');
    await repository().save(a, record());
    await repository().save(b, record({ status: 'disconnected', webhookSecretSealed: null }));
    expect(await repository().receiverSecret(a, 'shopify')).toEqual({ webhookSecretSealed: 'v1.sealed.secret' });
    expect(await repository().receiverSecret(a, 'woocommerce')).toBeNull();
    expect(await repository().receiverSecret(b, 'shopify')).toBeNull();
  });

  it('records many stores\' last events in one statement, never moving a time backwards; a save keeps it', async () => {
    const a = await seedRow(em, 'store');
    const b = await seedRow(em, 'store');
    const untouched = await seedRow(em, 'store');
    for (const id of [a, b, untouched]) await repository().save(id, record());
    await repository().recordLastEvents(new Map([[a, at(10)], [b, at(20)]]));
    await repository().recordLastEvents(new Map([[a, at(5)], [b, at(30)]]));
    expect((await repository().find(a))?.lastEventAt).toEqual(at(10));
    expect((await repository().find(b))?.lastEventAt).toEqual(at(30));
    expect((await repository().find(untouched))?.lastEventAt).toBeNull();
    await repository().save(a, record({ status: 'failing' }));
    expect((await repository().find(a))?.lastEventAt).toEqual(at(10));
  });

  it('counts the store\'s active workflows only', async () => {
    const a = await seedRow(em, 'store');
    const b = await seedRow(em, 'store');
    await seedRow(em, 'retention_rule', { store_id: a });
    await seedRow(em, 'retention_rule', { store_id: a });
    await seedRow(em, 'retention_rule', { store_id: a, status: 'paused' });
    await seedRow(em, 'retention_rule', { store_id: a, status: 'deleted' });
    await seedRow(em, 'retention_rule', { store_id: b });
    expect(await repository().activeWorkflowCount(a)).toBe(2);
    expect(await repository().activeWorkflowCount(b)).toBe(1);
  });
});
