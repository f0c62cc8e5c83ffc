import { UserSchema, type EntityManager, type User } from '@boomerang/persistence';

/** Users are found by address at sign-in (before any account is known); everything else names the account. */
export class UsersRepository {
  constructor(private readonly em: EntityManager) {}

  findByEmail(email: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { email });
  }

  findById(userId: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { id: userId });
  }

  /** The user, only if it belongs to the account. */
  findInAccount(accountId: string, userId: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { id: userId, accountId });
  }

  owner(accountId: string): Promise<User | null> {
    return this.em.findOne(UserSchema, { accountId, role: 'owner' }, { orderBy: { createdAt: 'asc' } });
  }
}
