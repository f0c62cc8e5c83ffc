import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export { MikroORM };
export { LockMode } from '@mikro-orm/core';
export type { EntityManager } from '@mikro-orm/postgresql';

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    // Requests, activities and jobs each fork their own context; the global one is a bug.
    allowGlobalContext: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: 10 },
    ...overrides,
  });
}

export async function openOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, overrides));
}

/** Applies pending migrations; `npm start` and the `persistence:migrate` target call this, app boot never does. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const orm = await openOrm(databaseUrl, { pool: { min: 0, max: 1 } });
  try {
    const done = await orm.migrator.up();
    return done.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}
