import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const RetentionRuleSchema = defineEntity({
  name: 'RetentionRule',
  tableName: 'retention_rule',
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid().index(),
    name: p.string(),
    status: p.string(),
    sendingFilter: p.string(),
    /** The rule's audience: only members of this segment are sent to (checked again at send time); null for everyone. */
    segmentId: p.uuid().nullable(),
    skus: p.json<string[]>(),
    windowSeconds: p.integer(),
    senderName: p.string(),
    senderEmail: p.string(),
    subject: p.text(),
    bodyHtml: p.text(),
    /** Optional plain-text part; derived from the HTML when empty. */
    bodyText: p.text().nullable(),
    attributionWindowSeconds: p.integer().default(432_000),
    /** Bumped on every change that running workflows must learn about (window, SKUs, status). */
    revision: p.integer().default(1),
    activatedAt: p.datetime().nullable(),
    deletedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type RetentionRule = InferEntity<typeof RetentionRuleSchema>;
