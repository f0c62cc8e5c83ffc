import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122105600_Initial } from './Migration20261122105600_Initial.js';

/** Every migration, in order. Listed explicitly so discovery works the same from src (tests) and dist (runtime). */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122105600_Initial', class: Migration20261122105600_Initial },
];
