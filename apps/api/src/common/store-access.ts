import { UnauthorizedError } from '@boomerang/domain';
import type { EntityManager, Store } from '@boomerang/persistence';
import type { StoresService } from '@boomerang/stores';
import type { Request } from 'express';

export function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? key : undefined;
}

/** The admin key opens every store (the dashboard uses it); a store's own key opens only that store. */
export async function authorizeStore(stores: StoresService, adminKey: string, em: EntityManager, req: Request, storeId: string): Promise<Store> {
  const key = bearer(req);
  if (key && key === adminKey) return stores.get(em, storeId);
  return stores.authenticate(em, storeId, key);
}

export function requireAdmin(adminKey: string, req: Request): void {
  if (bearer(req) !== adminKey) throw new UnauthorizedError('this endpoint needs the admin API key (Authorization: Bearer <ADMIN_API_KEY>)');
}

/** A request-scoped EntityManager and the store the caller may act on: the first two lines of every store route. */
export async function openStore(
  orm: { em: { fork(): EntityManager } },
  stores: StoresService,
  adminKey: string,
  req: Request,
  storeId: string,
): Promise<{ em: EntityManager; store: Store }> {
  const em = orm.em.fork();
  return { em, store: await authorizeStore(stores, adminKey, em, req, storeId) };
}
