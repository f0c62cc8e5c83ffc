import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The overview's counters, kept by PostgreSQL triggers on `message` and `retention_enrollment` in the writing
 * transaction (migration MessageStatRollup), so the overview reads rules × weeks rows rather than every message.
 * Never written by the application. `week_start` is the UTC ISO week (Monday) of `sent_at`, or `-infinity` for
 * figures without one (messages not sent, pending enrollments). `shard` (the row id's hash, 0–7) spreads one rule's
 * burst of sends over eight rows instead of serialising it on one.
 */
export const MessageStatSchema = defineEntity({
  name: 'MessageStat',
  tableName: 'message_stat',
  properties: {
    storeId: p.uuid().primary(),
    ruleId: p.uuid().primary(),
    weekStart: p.date().primary(),
    shard: p.smallint().primary(),
    /** Enrollments in state `armed` (their rule's deletion is applied when reading). */
    pending: p.bigint('number'),
    sent: p.bigint('number'),
    /** Messages `skipped` or `failed`. */
    skipped: p.bigint('number'),
    opens: p.bigint('number'),
    clicks: p.bigint('number'),
  },
});

export type MessageStat = InferEntity<typeof MessageStatSchema>;

/**
 * Conversions and their revenue per currency, kept by a trigger on `conversion`: the overview adds up only the
 * store's currency, and a store may change its currency after the fact.
 */
export const ConversionStatSchema = defineEntity({
  name: 'ConversionStat',
  tableName: 'conversion_stat',
  properties: {
    storeId: p.uuid().primary(),
    ruleId: p.uuid().primary(),
    currency: p.string().length(3).primary(),
    shard: p.smallint().primary(),
    conversions: p.bigint('number'),
    revenueMinor: p.bigint('number'),
  },
});

export type ConversionStat = InferEntity<typeof ConversionStatSchema>;
