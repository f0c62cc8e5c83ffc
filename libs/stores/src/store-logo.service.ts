import { createHash, randomUUID } from 'node:crypto';
import { DomainError, NotFoundError, ValidationError } from '@boomerang/domain';
import { StoreSchema, type EntityManager, type Store } from '@boomerang/persistence';
import { imageSize } from 'image-size';
import { StoreLogoRepository, type StoredLogo } from './store-logo.repository.js';

/** What an uploaded logo may be: raster images only (SVG and HTML can carry script). */
export const LOGO_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' } as const;
export type LogoContentType = keyof typeof LOGO_TYPES;
export const MAX_LOGO_BYTES = 512 * 1024;
/** The email layout shows the logo at most 510×120; anything bigger is scaled down by the mail client. */
export const RECOMMENDED_LOGO = { width: 510, height: 120 } as const;
/** Beyond this a "logo" is a photo or a decompression bomb: refused. */
const MAX_LOGO_SIDE = 4_096;

/** Which image-size type each declared type must sniff as. */
const SNIFFED: Record<LogoContentType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

export function isLogoContentType(value: string): value is LogoContentType {
  return Object.hasOwn(LOGO_TYPES, value);
}

export interface UploadedLogo {
  logoUrl: string;
  width: number;
  height: number;
  recommended: { width: number; height: number };
}

/** The path a logo is served at, under the api's public URL: the content hash in the name makes it immutable. */
export function logoPath(storeId: string, hash: string, contentType: LogoContentType): string {
  return `/api/v1/logos/${storeId}/${hash}.${LOGO_TYPES[contentType]}`;
}

/** Uploads a store's email logo into PostgreSQL and points `Store.logoUrl` at our own URL for it. */
export class StoreLogoService {
  constructor(private readonly publicUrl: string) {}

  /**
   * Checks the bytes, not the caller's word: the declared type must be one of `LOGO_TYPES` and the bytes must be an
   * image of that same type (sniffed by image-size), at most `MAX_LOGO_BYTES` and `MAX_LOGO_SIDE` on each side.
   */
  async upload(em: EntityManager, store: Store, declaredType: string, bytes: Buffer): Promise<UploadedLogo> {
    const type = declaredType.split(';')[0]!.trim().toLowerCase();
    if (!isLogoContentType(type)) {
      throw new DomainError('unsupported_media_type', `a logo must be sent as ${Object.keys(LOGO_TYPES).join(', ')}`, [
        { field: 'logo', message: `must be a PNG, JPEG, GIF or WebP image (got ${JSON.stringify(type.slice(0, 100))})` },
      ]);
    }
    if (bytes.length === 0) throw ValidationError.field('logo', 'is empty: send the image bytes as the body');
    if (bytes.length > MAX_LOGO_BYTES) throw new DomainError('payload_too_large', `a logo is at most ${MAX_LOGO_BYTES} bytes (512 KiB)`, [{ field: 'logo', message: 'must be at most 512 KiB' }]);
    let size: { width: number; height: number; type?: string };
    try {
      size = imageSize(bytes);
    } catch {
      throw ValidationError.field('logo', 'is not a PNG, JPEG, GIF or WebP image');
    }
    if (size.type !== SNIFFED[type]) {
      throw ValidationError.field('logo', `is declared ${type} but its bytes are ${size.type ? `a ${size.type.toUpperCase()} image` : 'not an image we accept'}`);
    }
    if (!(size.width >= 1 && size.height >= 1) || size.width > MAX_LOGO_SIDE || size.height > MAX_LOGO_SIDE) {
      throw ValidationError.field('logo', `must be between 1 and ${MAX_LOGO_SIDE} pixels on each side (this one is ${size.width}×${size.height})`);
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    const logoUrl = `${this.publicUrl}${logoPath(store.id, hash, type)}`;
    await em.transactional(async (tx) => {
      await new StoreLogoRepository(tx).put(store.id, { id: randomUUID(), hash, contentType: type, width: size.width, height: size.height, bytes });
      await tx.nativeUpdate(StoreSchema, { id: store.id }, { logoUrl });
    });
    store.logoUrl = logoUrl;
    return { logoUrl, width: size.width, height: size.height, recommended: { ...RECOMMENDED_LOGO } };
  }

  /** Removes the store's logo: emails show the store's name instead. */
  async remove(em: EntityManager, store: Store): Promise<void> {
    await em.transactional(async (tx) => {
      await new StoreLogoRepository(tx).delete(store.id);
      await tx.nativeUpdate(StoreSchema, { id: store.id }, { logoUrl: null });
    });
    store.logoUrl = null;
  }

  /** The current logo of a store by its file name (`<hash>.<ext>`); an old or unknown name is not found. */
  async file(em: EntityManager, storeId: string, file: string): Promise<StoredLogo> {
    const match = /^([0-9a-f]{64})\.(png|jpg|gif|webp)$/.exec(file);
    const logo = match ? await new StoreLogoRepository(em).find(storeId, match[1]!) : null;
    if (!logo || LOGO_TYPES[logo.contentType] !== match![2]) throw new NotFoundError('logo', file.slice(0, 80));
    return logo;
  }
}
