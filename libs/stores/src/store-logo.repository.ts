import type { EntityManager } from '@boomerang/persistence';
import type { LogoContentType } from './store-logo.service.js';

export interface StoredLogo {
  hash: string;
  contentType: LogoContentType;
  width: number;
  height: number;
  bytes: Buffer;
}

/** The one current logo per store (`store_logo`). Every method takes the store id. */
export class StoreLogoRepository {
  constructor(private readonly em: EntityManager) {}

  /** Replaces the store's logo (one row per store). */
  async put(storeId: string, logo: StoredLogo & { id: string }): Promise<void> {
    await this.em.execute(
      `insert into store_logo (id, store_id, hash, content_type, width, height, bytes, created_at)
       values (?, ?, ?, ?, ?, ?, ?, now())
       on conflict (store_id) do update set hash = excluded.hash, content_type = excluded.content_type, width = excluded.width,
         height = excluded.height, bytes = excluded.bytes, created_at = excluded.created_at`,
      [logo.id, storeId, logo.hash, logo.contentType, logo.width, logo.height, logo.bytes],
    );
  }

  async find(storeId: string, hash: string): Promise<StoredLogo | null> {
    const [row] = await this.em.execute<{ hash: string; content_type: LogoContentType; width: number; height: number; bytes: Buffer }[]>(
      `select hash, content_type, width, height, bytes from store_logo where store_id = ? and hash = ?`,
      [storeId, hash],
    );
    return row ? { hash: row.hash, contentType: row.content_type, width: row.width, height: row.height, bytes: row.bytes } : null;
  }

  async delete(storeId: string): Promise<number> {
    const result = await this.em.execute<{ affectedRows?: number }>(`delete from store_logo where store_id = ?`, [storeId], 'run');
    return Number(result.affectedRows ?? 0);
  }
}
