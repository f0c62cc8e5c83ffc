import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { NotFoundError, UnauthorizedError } from '@boomerang/domain';
import { type EntityManager, MikroORM, type Store } from '@boomerang/persistence';
import { StoresService } from '@boomerang/stores';
import { isUuid } from '@boomerang/validation';
import type { Request } from 'express';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from './tokens.js';

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

type StoreAccess = { em: EntityManager; store: Store };
/** What the guard found, kept on the request so the handler does not authorize twice. */
const ACCESS = Symbol('storeAccess');
type WithAccess = Request & { [ACCESS]?: StoreAccess };

/** A request-scoped EntityManager and the store the caller may act on: the first two lines of every store route. */
export async function openStore(
  orm: { em: { fork(): EntityManager } },
  stores: StoresService,
  adminKey: string,
  req: Request,
  storeId: string,
): Promise<StoreAccess> {
  const known = (req as WithAccess)[ACCESS];
  if (known && known.store.id === storeId) return known;
  const em = orm.em.fork();
  return { em, store: await authorizeStore(stores, adminKey, em, req, storeId) };
}

/**
 * Guards run before pipes: the caller's key is checked before any declared schema sees the input, so a caller
 * without access gets 401 (or 404 for a malformed store id), never a 400 describing what the route would accept.
 */
@Injectable()
export class StoreKeyGuard implements CanActivate {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithAccess>();
    const storeId: unknown = req.params.storeId;
    if (typeof storeId !== 'string') throw new Error('StoreKeyGuard needs a :storeId route');
    if (!isUuid(storeId)) throw new NotFoundError('store', JSON.stringify(String(storeId).slice(0, 64)));
    req[ACCESS] = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return true;
  }
}

/** Routes only the admin key may call (creating and listing stores). */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  canActivate(context: ExecutionContext): boolean {
    requireAdmin(this.config.adminApiKey, context.switchToHttp().getRequest<Request>());
    return true;
  }
}
