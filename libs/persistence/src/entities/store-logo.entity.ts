import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A store's current email logo, served from our own URL (`/api/v1/logos/<store>/<hash>.<ext>`); one per store. */
export const StoreLogoSchema = defineEntity({
  name: 'StoreLogo',
  tableName: 'store_logo',
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid().unique(),
    /** sha256 of the bytes (hex): the file name, so a new logo gets a new URL and the old one may be cached forever. */
    hash: p.string().length(64),
    contentType: p.string().length(32),
    width: p.integer(),
    height: p.integer(),
    bytes: p.blob(),
    createdAt: p.datetime(),
  },
});

export type StoreLogo = InferEntity<typeof StoreLogoSchema>;
