import { AccountSchema, type Account, type EntityManager } from '@boomerang/persistence';

export interface TrialPeriod {
  startedAt: Date;
  endsAt: Date;
}

export interface StoreTrialRow extends TrialPeriod {
  storeId: string;
}

export type ContactRole = 'marketing' | 'billing' | 'technical';
export type StoredContacts = Record<ContactRole, { name: string; email: string } | null>;

/** Everything here is reached through the account id. */
export class AccountsRepository {
  constructor(private readonly em: EntityManager) {}

  get(accountId: string): Promise<Account | null> {
    return this.em.findOne(AccountSchema, { id: accountId });
  }

  async setContacts(accountId: string, contacts: StoredContacts): Promise<void> {
    await this.em.execute(
      `update account set marketing_contact_name = ?, marketing_contact_email = ?, billing_contact_name = ?, billing_contact_email = ?,
         technical_contact_name = ?, technical_contact_email = ? where id = ?`,
      [
        contacts.marketing?.name ?? null, contacts.marketing?.email ?? null,
        contacts.billing?.name ?? null, contacts.billing?.email ?? null,
        contacts.technical?.name ?? null, contacts.technical?.email ?? null,
        accountId,
      ],
    );
  }

  /** The trial each of the account's stores runs under (only stores whose domain was trialled by this account). */
  async storeTrials(accountId: string): Promise<Map<string, TrialPeriod>> {
    const rows = await this.em.execute<{ store_id: string; started_at: Date; ends_at: Date }[]>(
      `select store_id, started_at, ends_at from store_trial where account_id = ?`,
      [accountId],
    );
    return new Map(rows.map((r) => [r.store_id, { startedAt: new Date(r.started_at), endsAt: new Date(r.ends_at) }]));
  }

  /**
   * Call inside the transaction that created `storeId`. The account's first store starts its trial, unless the
   * domain already had one (on any account: `store_trial.domain` is the primary key, so two accounts racing for a
   * domain cannot both win). A later store added while the trial runs shares it, and its domain is spent too.
   * The account row is locked so two first stores added at once cannot both start a trial.
   */
  async claimTrial(accountId: string, storeId: string, domain: string, now: Date, days: number): Promise<TrialPeriod | null> {
    const [account] = await this.em.execute<{ trial_started_at: Date | null; trial_ends_at: Date | null; other_stores: number }[]>(
      `select trial_started_at, trial_ends_at,
              (select count(*)::int from store s where s.account_id = a.id and s.id <> ?) as other_stores
         from account a where a.id = ? for update`,
      [storeId, accountId],
    );
    if (!account) return null;
    let period: TrialPeriod;
    if (account.trial_started_at && account.trial_ends_at) {
      period = { startedAt: new Date(account.trial_started_at), endsAt: new Date(account.trial_ends_at) };
      if (period.endsAt <= now) return null;
    } else if (account.other_stores === 0) {
      period = { startedAt: now, endsAt: new Date(now.getTime() + days * 86_400_000) };
    } else {
      return null;
    }
    const claimed = await this.em.execute<{ domain: string }[]>(
      `insert into store_trial (domain, account_id, store_id, started_at, ends_at) values (?, ?, ?, ?, ?) on conflict (domain) do nothing returning domain`,
      [domain, accountId, storeId, period.startedAt, period.endsAt],
    );
    if (claimed.length === 0) return null;
    if (!account.trial_started_at) {
      await this.em.execute(`update account set trial_started_at = ?, trial_ends_at = ? where id = ?`, [period.startedAt, period.endsAt, accountId]);
    }
    return period;
  }
}
