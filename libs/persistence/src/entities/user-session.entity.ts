import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A signed-in session. Only the sha256 of its `bms_` token is stored, so a database leak opens no session. */
export const UserSessionSchema = defineEntity({
  name: 'UserSession',
  tableName: 'user_session',
  indexes: [{ properties: ['userId'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    tokenHash: p.string().unique(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});

export type UserSession = InferEntity<typeof UserSessionSchema>;
