import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A person who signs in; belongs to one account. `email` is stored lower-cased and trimmed, so it is unique as typed. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  indexes: [{ properties: ['accountId'] }],
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    role: p.string().default('owner'),
    name: p.string(),
    email: p.string().unique(),
    /** argon2id, in the PHC string format the `argon2` library writes (`$argon2id$v=19$m=…`). */
    passwordHash: p.string(),
    emailVerifiedAt: p.datetime().nullable(),
    phone: p.string().nullable(),
    company: p.string().nullable(),
    street: p.string().nullable(),
    city: p.string().nullable(),
    region: p.string().nullable(),
    postalCode: p.string().nullable(),
    country: p.string().nullable(),
    createdAt: p.datetime(),
  },
});

export type User = InferEntity<typeof UserSchema>;
