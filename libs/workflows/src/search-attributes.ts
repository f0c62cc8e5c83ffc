import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes: registered on the dev server by `npm start` and the tests, and in docker-compose. */
export const STORE_ID_ATTRIBUTE = defineSearchAttributeKey('BoomerangStoreId', SearchAttributeType.KEYWORD);
export const RULE_ID_ATTRIBUTE = defineSearchAttributeKey('BoomerangRuleId', SearchAttributeType.KEYWORD);
export const CUSTOMER_ATTRIBUTE = defineSearchAttributeKey('BoomerangCustomer', SearchAttributeType.KEYWORD);
export const RETENTION_STATE_ATTRIBUTE = defineSearchAttributeKey('BoomerangRetentionState', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [STORE_ID_ATTRIBUTE, RULE_ID_ATTRIBUTE, CUSTOMER_ATTRIBUTE, RETENTION_STATE_ATTRIBUTE];
