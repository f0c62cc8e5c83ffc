import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { StoreLogoRepository } from './store-logo.repository.js';

describe('StoreLogoRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  const repository = () => new StoreLogoRepository(orm.em.fork());
  const logo = (hash: string, bytes: Buffer) => ({ id: randomUUID(), hash, contentType: 'image/png' as const, width: 510, height: 120, bytes });

  beforeAll(async () => {
    db = await openTestOrm('boomerang_logo_repo');
    orm = db.orm;
    em = orm.em.fork();
  });

  afterAll(async () => {
    await db?.close();
  });

  it('keeps one logo per store: a new upload replaces the old, which stops being found; stores never see each other', async () => {
    const a = await seedRow(em, 'store');
    const b = await seedRow(em, 'store');
    await repository().put(a, logo('a'.repeat(64), Buffer.from([1, 2, 3])));
    await repository().put(b, logo('b'.repeat(64), Buffer.from([9])));
    await repository().put(a, logo('c'.repeat(64), Buffer.from([4, 5])));
    expect(await repository().find(a, 'a'.repeat(64))).toBeNull();
    expect(await repository().find(a, 'c'.repeat(64))).toEqual({ hash: 'c'.repeat(64), contentType: 'image/png', width: 510, height: 120, bytes: Buffer.from([4, 5]) });
    expect(await repository().find(a, 'b'.repeat(64))).toBeNull();
    const [{ n }] = await em.execute<{ n: string }[]>(`select count(*) as n from store_logo where store_id = ?`, [a]);
    expect(Number(n)).toBe(1);
    expect(await repository().delete(a)).toBe(1);
    expect(await repository().find(a, 'c'.repeat(64))).toBeNull();
    expect(await repository().find(b, 'b'.repeat(64))).not.toBeNull();
  });
});
