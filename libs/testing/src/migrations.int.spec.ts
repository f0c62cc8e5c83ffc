import { migrate, openOrm } from '@boomerang/persistence';
import { createTestDatabase, type TestDatabase } from './test-database.js';

describe('migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('boomerang_migrations');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('bring a database exactly to the entity definitions (no forgotten migration)', async () => {
    const orm = await openOrm(db.url);
    try {
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    } finally {
      await orm.close(true);
    }
  });

  it('are applied once: a second run has nothing to do', async () => {
    expect(await migrate(db.url)).toEqual([]);
  });
});
