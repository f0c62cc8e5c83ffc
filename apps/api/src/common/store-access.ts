import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthService, SESSION_TOKEN_PREFIX, type Principal } from '@boomerang/accounts';
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

export function requireAdmin(adminKey: string, req: Request): void {
  if (bearer(req) !== adminKey) throw new UnauthorizedError('this endpoint needs the admin API key (Authorization: Bearer <ADMIN_API_KEY>)');
}

/**
 * The one rule for every store route. A caller may act on a store with
 * - a merchant's session (`bms_…`) whose account owns the store: another account's store answers 404, exactly as a
 *   store that does not exist, so a session cannot probe which ids are real;
 * - the store's own API key (integrations);
 * - the admin key (operations only; the dashboard never holds it).
 * No or unknown credentials answer 401.
 */
export async function authorizeStore(
  deps: { stores: StoresService; auth: AuthService; adminKey: string },
  em: EntityManager,
  req: Request,
  storeId: string,
): Promise<Store> {
  const key = bearer(req);
  if (key?.startsWith(SESSION_TOKEN_PREFIX)) {
    const principal = await deps.auth.authenticate(em, key);
    (req as WithPrincipal)[PRINCIPAL] = principal;
    return deps.stores.getOwned(em, principal.accountId, storeId);
  }
  if (key && key === deps.adminKey) return deps.stores.get(em, storeId);
  return deps.stores.authenticate(em, storeId, key);
}

type StoreAccess = { em: EntityManager; store: Store };
/** What the guard found, kept on the request so the handler does not authorize twice. */
const ACCESS = Symbol('storeAccess');
const PRINCIPAL = Symbol('principal');
type WithAccess = Request & { [ACCESS]?: StoreAccess };
type WithPrincipal = Request & { [PRINCIPAL]?: Principal; [ACCESS]?: StoreAccess };

/** The request-scoped EntityManager and the store StoreAccessGuard let the caller act on. */
export function storeAccess(req: Request, storeId: string): StoreAccess {
  const known = (req as WithAccess)[ACCESS];
  // Only a guarded route reaches its handler with access; a route without the guard is a programming error.
  if (!known || known.store.id !== storeId) throw new Error('store route without StoreAccessGuard');
  return known;
}

/** Kept for handlers written before the accounts: the guard has done the work, this returns what it found. */
export async function openStore(_orm: unknown, _stores: unknown, _adminKey: string, req: Request, storeId: string): Promise<StoreAccess> {
  return storeAccess(req, storeId);
}

/**
 * Guards run before pipes: the caller's credentials are checked before any declared schema sees the input, so a
 * caller without access gets 401 (or 404 for a malformed or foreign store id), never a 400 describing what the
 * route would accept.
 */
@Injectable()
export class StoreAccessGuard implements CanActivate {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithAccess>();
    const storeId: unknown = req.params.storeId;
    if (typeof storeId !== 'string') throw new Error('StoreAccessGuard needs a :storeId route');
    if (!isUuid(storeId)) throw new NotFoundError('store', JSON.stringify(String(storeId).slice(0, 64)));
    const em = this.orm.em.fork();
    req[ACCESS] = { em, store: await authorizeStore({ stores: this.stores, auth: this.auth, adminKey: this.config.adminApiKey }, em, req, storeId) };
    return true;
  }
}

/** The former name, for routes added on other branches before the accounts: the same guard. */
export const StoreKeyGuard = StoreAccessGuard;

/** The merchant's session a store route was called with; null for a store API key or the admin key. */
export function sessionPrincipal(req: Request): Principal | null {
  return (req as WithPrincipal)[PRINCIPAL] ?? null;
}

/** Routes of the signed-in merchant (`/account`, sign-out): a live `bms_` session, else 401. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithPrincipal>();
    req[PRINCIPAL] = await this.auth.authenticate(this.orm.em.fork(), bearer(req));
    return true;
  }
}

/** The session SessionGuard accepted. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<WithPrincipal>()[PRINCIPAL];
  if (!principal) throw new Error('route without SessionGuard');
  return principal;
});

/** Routes only the admin key may call (creating and listing stores for operations). */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  canActivate(context: ExecutionContext): boolean {
    requireAdmin(this.config.adminApiKey, context.switchToHttp().getRequest<Request>());
    return true;
  }
}
