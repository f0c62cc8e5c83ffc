import { DomainError, NotFoundError, normalizeEmail } from '@boomerang/domain';
import type { Account, EntityManager, Store, User } from '@boomerang/persistence';
import type { CreatedStore, StoresService } from '@boomerang/stores';
import { parseOrThrow } from '@boomerang/validation';
import { changePasswordSchema, contactsSchema, createAccountStoreSchema, profileSchema } from './account.schemas.js';
import { AccountsRepository, type ContactRole, type StoredContacts, type TrialPeriod } from './accounts.repository.js';
import type { Principal } from './auth.service.js';
import type { PasswordHasher } from './password-hasher.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';

export const TRIAL_DAYS = 30;
const DAY = 86_400_000;

export interface UserView {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface TrialView {
  startedAt: Date;
  endsAt: Date;
  /** Whole days left, rounded up (a trial ending in 3 hours has 1 day left), 0 once over. */
  daysLeft: number;
  active: boolean;
}

export interface ContactView {
  name: string;
  email: string;
  isOwner: boolean;
}
export type ContactsView = Record<ContactRole, ContactView>;

export interface StoreSummaryView {
  id: string;
  name: string;
  domain: string | null;
  platform: string;
  currency: string;
  timezone: string;
  trial: TrialView | null;
}

export interface AccountOverview {
  user: UserView;
  account: { id: string; createdAt: Date; trial: TrialView | null; contacts: ContactsView };
  stores: StoreSummaryView[];
}

export function userView(user: User): UserView {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    phone: user.phone ?? null,
    company: user.company ?? null,
    street: user.street ?? null,
    city: user.city ?? null,
    region: user.region ?? null,
    postalCode: user.postalCode ?? null,
    country: user.country ?? null,
  };
}

export function trialView(period: TrialPeriod | null, now: Date): TrialView | null {
  if (!period) return null;
  const left = period.endsAt.getTime() - now.getTime();
  return { startedAt: period.startedAt, endsAt: period.endsAt, daysLeft: Math.max(0, Math.ceil(left / DAY)), active: left > 0 };
}

/** The signed-in merchant's own account: profile, password, alert contacts, stores and trial. */
export class AccountService {
  private readonly now: () => Date;

  constructor(
    private readonly deps: { hasher: PasswordHasher; stores: StoresService; clock?: () => Date },
  ) {
    this.now = deps.clock ?? (() => new Date());
  }

  async overview(em: EntityManager, principal: Principal): Promise<AccountOverview> {
    const { user, account } = await this.load(em, principal);
    const owner = user.role === 'owner' ? user : ((await new UsersRepository(em).owner(account.id)) ?? user);
    return {
      user: userView(user),
      account: {
        id: account.id,
        createdAt: account.createdAt,
        trial: trialView(accountTrial(account), this.now()),
        contacts: contactsView(account, owner),
      },
      stores: await this.stores(em, principal),
    };
  }

  async updateProfile(em: EntityManager, principal: Principal, body: unknown): Promise<UserView> {
    const input = parseOrThrow(profileSchema, body);
    const { user } = await this.load(em, principal);
    em.assign(user, input);
    await em.flush();
    return userView(user);
  }

  /** Needs the current password; every other session of the user is signed out. */
  async changePassword(em: EntityManager, principal: Principal, body: unknown): Promise<void> {
    const input = parseOrThrow(changePasswordSchema, body);
    await em.transactional(async (tx) => {
      const { user } = await this.load(tx, principal);
      if (!(await this.deps.hasher.verify(user.passwordHash, input.currentPassword))) {
        throw new DomainError('invalid_credentials', 'the current password is wrong', [{ field: 'currentPassword', message: 'is not your current password' }]);
      }
      user.passwordHash = await this.deps.hasher.hash(input.newPassword);
      await tx.flush();
      await new SessionsRepository(tx).revokeAll(user.id, this.now(), principal.sessionId);
    });
  }

  async setContacts(em: EntityManager, principal: Principal, body: unknown): Promise<ContactsView> {
    const input = parseOrThrow(contactsSchema, body);
    const normalised: StoredContacts = {
      marketing: input.marketing && { name: input.marketing.name, email: normalizeEmail(input.marketing.email) },
      billing: input.billing && { name: input.billing.name, email: normalizeEmail(input.billing.email) },
      technical: input.technical && { name: input.technical.name, email: normalizeEmail(input.technical.email) },
    };
    await new AccountsRepository(em).setContacts(principal.accountId, normalised);
    const { user, account } = await this.load(em.fork(), principal);
    const owner = (await new UsersRepository(em).owner(account.id)) ?? user;
    return contactsView(account, owner);
  }

  /** A new store of the account; the first one starts the 30-day trial unless its domain already had one. */
  async createStore(em: EntityManager, principal: Principal, body: unknown): Promise<{ created: CreatedStore; trial: TrialView | null }> {
    const input = parseOrThrow(createAccountStoreSchema, body);
    const now = this.now();
    const { created, period } = await em.transactional(async (tx) => {
      const created = await this.deps.stores.createOwned(tx, { ...input, accountId: principal.accountId });
      const period = await new AccountsRepository(tx).claimTrial(principal.accountId, created.store.id, input.domain, now, TRIAL_DAYS);
      return { created, period };
    });
    return { created, trial: trialView(period, now) };
  }

  async stores(em: EntityManager, principal: Principal): Promise<StoreSummaryView[]> {
    const [stores, trials] = await Promise.all([
      this.deps.stores.listOwned(em, principal.accountId),
      new AccountsRepository(em).storeTrials(principal.accountId),
    ]);
    const now = this.now();
    return stores.map((s) => storeSummary(s, trialView(trials.get(s.id) ?? null, now)));
  }

  private async load(em: EntityManager, principal: Principal): Promise<{ user: User; account: Account }> {
    const user = await new UsersRepository(em).findInAccount(principal.accountId, principal.userId);
    const account = await new AccountsRepository(em).get(principal.accountId);
    // The session was live a moment ago; a user or account gone since reads as "not found".
    if (!user || !account) throw new NotFoundError('account', principal.accountId);
    return { user, account };
  }
}

export function storeSummary(store: Store, trial: TrialView | null): StoreSummaryView {
  return { id: store.id, name: store.name, domain: store.domain ?? null, platform: store.platform, currency: store.currency, timezone: store.timezone, trial };
}

function accountTrial(account: Account): TrialPeriod | null {
  return account.trialStartedAt && account.trialEndsAt ? { startedAt: account.trialStartedAt, endsAt: account.trialEndsAt } : null;
}

function contactsView(account: Account, owner: User): ContactsView {
  const one = (name: string | null | undefined, email: string | null | undefined): ContactView =>
    name && email ? { name, email, isOwner: false } : { name: owner.name, email: owner.email, isOwner: true };
  return {
    marketing: one(account.marketingContactName, account.marketingContactEmail),
    billing: one(account.billingContactName, account.billingContactEmail),
    technical: one(account.technicalContactName, account.technicalContactEmail),
  };
}
