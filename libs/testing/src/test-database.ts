import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openOrm, type MikroORM } from '@boomerang/persistence';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server tests run against: TEST_DATABASE_URL, else the machine's PostgreSQL on 127.0.0.1:5432. */
function serverUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** A fresh, migrated database for one test file; `drop()` removes it. */
export async function createTestDatabase(prefix = 'boomerang_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl() });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestOrm {
  orm: MikroORM;
  /** Closes the ORM, then drops the database. */
  close(): Promise<void>;
}

/** An ORM on a fresh, migrated database: what a repository spec needs, with one call to tear it down. */
export async function openTestOrm(prefix: string): Promise<TestOrm> {
  const db = await createTestDatabase(prefix);
  const orm = await openOrm(db.url);
  return {
    orm,
    async close() {
      await orm.close(true);
      await db.drop();
    },
  };
}
