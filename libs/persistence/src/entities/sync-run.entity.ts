import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const SYNC_RUN_STATES = ['running', 'completed', 'failed'] as const;
export type SyncRunState = (typeof SYNC_RUN_STATES)[number];

/** One historical sync of a store's orders (issue 12, point 5): what the progress bar reads. */
export const SyncRunSchema = defineEntity({
  name: 'SyncRun',
  tableName: 'sync_run',
  indexes: [{ properties: ['storeId', 'startedAt'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    /** The platform walked; null until the workflow has resolved the store's connection. */
    platform: p.string().length(16).nullable(),
    state: p.string().length(16),
    fetched: p.integer(),
    /** As the platform counts them; null until it says. */
    total: p.integer().nullable(),
    error: p.text().nullable(),
    startedAt: p.datetime(),
    updatedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  },
});

export type SyncRun = InferEntity<typeof SyncRunSchema>;
