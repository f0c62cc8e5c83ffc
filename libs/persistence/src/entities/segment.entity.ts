import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A customer segment (issue 14, point 5): a name and a rule tree (see `@boomerang/segments`' definition schema).
 * `version` grows with every edit; the worker evaluates every customer once while `evaluatedVersion` lags behind it.
 */
export const SegmentSchema = defineEntity({
  name: 'Segment',
  tableName: 'segment',
  indexes: [
    { properties: ['storeId'] },
    // The worker's queue of segments to evaluate in full (created or edited).
    { name: 'segment_unevaluated_index', properties: ['id'], where: '"evaluated_version" < "version"' },
  ],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    name: p.string(),
    definition: p.json<Record<string, unknown>>(),
    /** Which of the seed's defaults this segment started as (`amazon`, `new_customers`, `ordered_60_days`, `vip`); null for the merchant's own. */
    defaultKey: p.string().nullable(),
    version: p.integer().default(1),
    evaluatedVersion: p.integer().default(0),
    evaluatedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Segment = InferEntity<typeof SegmentSchema>;

/** A customer currently in a segment, since `enteredAt`. */
export const SegmentMembershipSchema = defineEntity({
  name: 'SegmentMembership',
  tableName: 'segment_membership',
  indexes: [{ properties: ['storeId', 'customerId'] }],
  properties: {
    segmentId: p.uuid().primary(),
    customerId: p.uuid().primary(),
    storeId: p.uuid(),
    enteredAt: p.datetime(),
  },
});

export type SegmentMembership = InferEntity<typeof SegmentMembershipSchema>;

/** Entering or leaving a segment, with its time and cause (the customer's timeline reads these). */
export const SegmentMembershipEventSchema = defineEntity({
  name: 'SegmentMembershipEvent',
  tableName: 'segment_membership_event',
  indexes: [{ properties: ['storeId', 'customerId', 'at'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    storeId: p.uuid(),
    segmentId: p.uuid(),
    /** The segment's name when it happened (the history outlives a deleted segment). */
    segmentName: p.string(),
    customerId: p.uuid(),
    /** `entered` or `left`. */
    kind: p.string(),
    at: p.datetime(),
    /** `transaction` (an order or customer update), `time` (a time-relative criterion ran out), `definition` (the segment was created or edited). */
    cause: p.string(),
  },
});

export type SegmentMembershipEvent = InferEntity<typeof SegmentMembershipEventSchema>;

/** When a (segment, customer) pair must be evaluated again: now after a transaction, or when a time-relative criterion can flip. */
export const SegmentCheckSchema = defineEntity({
  name: 'SegmentCheck',
  tableName: 'segment_check',
  indexes: [{ properties: ['dueAt'] }],
  properties: {
    segmentId: p.uuid().primary(),
    customerId: p.uuid().primary(),
    storeId: p.uuid(),
    dueAt: p.datetime(),
    /** What the evaluation records as the cause: `transaction` (marked by a projection round) or `time`. */
    cause: p.string().default('time'),
  },
});

export type SegmentCheck = InferEntity<typeof SegmentCheckSchema>;
