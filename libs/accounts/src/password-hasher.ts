import argon2 from 'argon2';

/**
 * argon2id through the maintained `argon2` binding (never our own crypto). OWASP's recommended minimum
 * (19 MiB, 2 passes, 1 lane) keeps a sign-in under ~100 ms on a small machine; the parameters are written into each
 * stored hash, so raising them later still verifies old hashes (and `needsRehash` says when to upgrade one).
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  constructor(private readonly options: { memoryCost: number; timeCost: number; parallelism: number } = PASSWORD_HASH_OPTIONS) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { ...this.options, type: argon2.argon2id });
  }

  /** False for a wrong password or a malformed stored hash. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
