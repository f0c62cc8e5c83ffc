import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Delivery, open, click, bounce, spam complaint or subscription change; deduplicated by source and event id. */
export const MessageEventSchema = defineEntity({
  name: 'MessageEvent',
  tableName: 'message_event',
  uniques: [{ properties: ['source', 'eventKey'] }],
  indexes: [{ properties: ['messageId', 'type'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    messageId: p.uuid(),
    source: p.string(),
    eventKey: p.string(),
    type: p.string(),
    url: p.text().nullable(),
    occurredAt: p.datetime(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  },
});

export type MessageEvent = InferEntity<typeof MessageEventSchema>;
