import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122105600_Initial } from './Migration20261122105600_Initial.js';
import { Migration20261122112954_RetentionAndEmail } from './Migration20261122112954_RetentionAndEmail.js';
import { Migration20261122115010_MessageHandover } from './Migration20261122115010_MessageHandover.js';
import { Migration20261123042927_MessageCustomerSentAt } from './Migration20261123042927_MessageCustomerSentAt.js';
import { Migration20261126003000_AmountsInCurrencyMinorUnits } from './Migration20261126003000_AmountsInCurrencyMinorUnits.js';

/** Every migration, in order. Listed explicitly so discovery works the same from src (tests) and dist (runtime). */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122105600_Initial', class: Migration20261122105600_Initial },
  { name: 'Migration20261122112954_RetentionAndEmail', class: Migration20261122112954_RetentionAndEmail },
  { name: 'Migration20261122115010_MessageHandover', class: Migration20261122115010_MessageHandover },
  { name: 'Migration20261123042927_MessageCustomerSentAt', class: Migration20261123042927_MessageCustomerSentAt },
  { name: 'Migration20261126003000_AmountsInCurrencyMinorUnits', class: Migration20261126003000_AmountsInCurrencyMinorUnits },
];
