// `persistence:migrate` and `persistence:migration-create` targets. Reads DATABASE_URL like every entry point.
import { fileURLToPath } from 'node:url';
import { migrate, openOrm } from './orm.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const command = process.argv[2];
if (command === 'migrate') {
  const applied = await migrate(url);
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
} else if (command === 'create') {
  const orm = await openOrm(url, { migrations: { emit: 'ts', path: fileURLToPath(new URL('../src/migrations', import.meta.url)) } as never });
  const result = await orm.migrator.create(undefined, false, false, process.argv[3]);
  console.log(result.fileName ? `created ${result.fileName}` : 'no schema changes');
  await orm.close(true);
} else {
  console.error('usage: cli.js migrate | create [name]');
  process.exit(2);
}
