import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122105600_Initial } from './Migration20261122105600_Initial.js';
import { Migration20261122112954_RetentionAndEmail } from './Migration20261122112954_RetentionAndEmail.js';
import { Migration20261122115010_MessageHandover } from './Migration20261122115010_MessageHandover.js';
import { Migration20261123042927_MessageCustomerSentAt } from './Migration20261123042927_MessageCustomerSentAt.js';
import { Migration20261126001604_DispatchBackoffDeadLetters } from './Migration20261126001604_DispatchBackoffDeadLetters.js';
import { Migration20261126003000_AmountsInCurrencyMinorUnits } from './Migration20261126003000_AmountsInCurrencyMinorUnits.js';
import { Migration20261126003100_MessageArmedOrder } from './Migration20261126003100_MessageArmedOrder.js';
import { Migration20261126040000_Accounts } from './Migration20261126040000_Accounts.js';
import { Migration20261126041000_DashboardSupport } from './Migration20261126041000_DashboardSupport.js';
import { Migration20261126050000_MessageStatRollup } from './Migration20261126050000_MessageStatRollup.js';
import { Migration20261126060000_IntakeInbox } from './Migration20261126060000_IntakeInbox.js';
import { Migration20261126061000_StoreConnection } from './Migration20261126061000_StoreConnection.js';
import { Migration20261126062000_SyncRun } from './Migration20261126062000_SyncRun.js';
import { Migration20261126063000_ConnectionProductCount } from './Migration20261126063000_ConnectionProductCount.js';
import { Migration20261126064000_InboxPendingSeq } from './Migration20261126064000_InboxPendingSeq.js';
import { Migration20261126065000_DispatchCustomerOrder } from './Migration20261126065000_DispatchCustomerOrder.js';
import { Migration20261126150000_CustomerOverview } from './Migration20261126150000_CustomerOverview.js';
import { Migration20261126151000_PrivacyTools } from './Migration20261126151000_PrivacyTools.js';
import { Migration20261126152000_Segments } from './Migration20261126152000_Segments.js';
import { Migration20261126160000_SegmentCriteria } from './Migration20261126160000_SegmentCriteria.js';
import { Migration20261126170000_StoreDashboard } from './Migration20261126170000_StoreDashboard.js';

/** Every migration, in order. Listed explicitly so discovery works the same from src (tests) and dist (runtime). */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122105600_Initial', class: Migration20261122105600_Initial },
  { name: 'Migration20261122112954_RetentionAndEmail', class: Migration20261122112954_RetentionAndEmail },
  { name: 'Migration20261122115010_MessageHandover', class: Migration20261122115010_MessageHandover },
  { name: 'Migration20261123042927_MessageCustomerSentAt', class: Migration20261123042927_MessageCustomerSentAt },
  { name: 'Migration20261126001604_DispatchBackoffDeadLetters', class: Migration20261126001604_DispatchBackoffDeadLetters },
  { name: 'Migration20261126003000_AmountsInCurrencyMinorUnits', class: Migration20261126003000_AmountsInCurrencyMinorUnits },
  { name: 'Migration20261126003100_MessageArmedOrder', class: Migration20261126003100_MessageArmedOrder },
  { name: 'Migration20261126040000_Accounts', class: Migration20261126040000_Accounts },
  { name: 'Migration20261126041000_DashboardSupport', class: Migration20261126041000_DashboardSupport },
  { name: 'Migration20261126050000_MessageStatRollup', class: Migration20261126050000_MessageStatRollup },
  { name: 'Migration20261126060000_IntakeInbox', class: Migration20261126060000_IntakeInbox },
  { name: 'Migration20261126061000_StoreConnection', class: Migration20261126061000_StoreConnection },
  { name: 'Migration20261126062000_SyncRun', class: Migration20261126062000_SyncRun },
  { name: 'Migration20261126063000_ConnectionProductCount', class: Migration20261126063000_ConnectionProductCount },
  { name: 'Migration20261126064000_InboxPendingSeq', class: Migration20261126064000_InboxPendingSeq },
  { name: 'Migration20261126065000_DispatchCustomerOrder', class: Migration20261126065000_DispatchCustomerOrder },
  { name: 'Migration20261126150000_CustomerOverview', class: Migration20261126150000_CustomerOverview },
  { name: 'Migration20261126151000_PrivacyTools', class: Migration20261126151000_PrivacyTools },
  { name: 'Migration20261126152000_Segments', class: Migration20261126152000_Segments },
  { name: 'Migration20261126160000_SegmentCriteria', class: Migration20261126160000_SegmentCriteria },
  { name: 'Migration20261126170000_StoreDashboard', class: Migration20261126170000_StoreDashboard },
];
