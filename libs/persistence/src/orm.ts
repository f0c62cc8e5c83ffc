import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export { MikroORM };
export { LockMode } from '@mikro-orm/core';
export type { EntityManager } from '@mikro-orm/postgresql';

type PooledClient = pg.PoolClient & { release: (err?: Error | boolean) => void };

/**
 * A connection that dies while checked out (PostgreSQL restarted, the backend terminated mid-transaction) goes back
 * to the pool as broken at once. Without this MikroORM (through Kysely) keeps it checked out forever when the
 * transaction's ROLLBACK fails on the dead connection, and each such death shrinks the pool by one until it hangs.
 */
function reclaimDeadClients(pool: pg.Pool): void {
  pool.on('acquire', (acquired) => {
    const client = acquired as PooledClient;
    // pg-pool sets this checkout's release() right after the event: wrap it once it is there.
    queueMicrotask(() => {
      const release = client.release;
      let released = false;
      const onEnd = () => client.release(new Error('connection ended while checked out'));
      client.release = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        client.removeListener('end', onEnd);
        release(err);
      };
      client.once('end', onEnd);
    });
  });
}

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
    // The roll-up's triggers and functions (migration MessageStatRollup) live in migrations, not on entities: the
    // schema diff must not offer to drop them.
    schemaGenerator: { ignoreTriggers: true, ignoreRoutines: true },
    ...overrides,
    driverOptions: { onPoolCreated: reclaimDeadClients, ...(overrides.driverOptions as object | undefined) },
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
