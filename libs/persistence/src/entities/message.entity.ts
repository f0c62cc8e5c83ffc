import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const MESSAGE_STATUSES = ['sending', 'sent', 'skipped', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** One row per (rule, customer, cycle): the unique key is what makes a retried send a no-op. */
export const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'message',
  uniques: [{ properties: ['ruleId', 'customerId', 'cycle'] }],
  indexes: [
    // The sent log and its cursor (`(sent_at, id) < (…)` is an index condition only with `id` in the index).
    { properties: ['storeId', 'status', 'sentAt', 'id'] },
    // Smart sending ("any marketing email to this customer lately?"), read on every send.
    { properties: ['customerId', 'sentAt'] },
    // An order's timeline: the messages its purchase armed.
    { name: 'message_armed_order_index', properties: ['storeId', 'armedOrderId'], where: '"armed_order_id" is not null' },
    // The skipped log, newest first, and its cursor.
    { name: 'message_skipped_log_index', properties: ['storeId', 'createdAt', 'id'], where: `"status" in ('skipped', 'failed')` },
    // The overview's counts in one index-only pass over a store's (or a rule's) messages.
    {
      name: 'message_store_rule_counts_index',
      expression: 'create index "message_store_rule_counts_index" on "message" ("store_id", "rule_id", "status") include ("open_count", "click_count")',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    ruleId: p.uuid(),
    customerId: p.uuid(),
    cycle: p.integer(),
    /**
     * The purchase this message was for: a retried send finds its own claim by it, whatever cycle its workflow
     * thinks it is in (a run that ended abnormally leaves the next run counting from 1). Null in older rows.
     */
    armedOrderId: p.uuid().nullable(),
    status: p.string(),
    reason: p.string().nullable(),
    toEmail: p.string(),
    subject: p.text().nullable(),
    transport: p.string().nullable(),
    providerMessageId: p.string().nullable(),
    /** When the last attempt handed the message to an external provider (Postmark): bounds the wait for its index. */
    handedOverAt: p.datetime().nullable(),
    kind: p.string().default('marketing'),
    dueAt: p.datetime(),
    openCount: p.integer().default(0),
    clickCount: p.integer().default(0),
    firstOpenedAt: p.datetime().nullable(),
    firstClickedAt: p.datetime().nullable(),
    bouncedAt: p.datetime().nullable(),
    /** The links the message contained, in order: the click redirect only ever goes to one of these. */
    links: p.json<string[]>().default('[]'),
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});

export type Message = InferEntity<typeof MessageSchema>;
