import { randomUUID } from 'node:crypto';
import { DomainError, normalizeEmail, UnauthorizedError } from '@boomerang/domain';
import { AccountSchema, UserSchema, type EntityManager, type User } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import { alreadyRegisteredEmail, passwordResetEmail, verificationEmail, type AccountEmailContent } from './account-emails.js';
import { emailOnlySchema, resetPasswordSchema, signInSchema, signUpSchema, verifySchema } from './account.schemas.js';
import type { AuthRateLimits } from './auth-rate-limits.js';
import { EmailTokensRepository, type EmailTokenPurpose } from './email-tokens.repository.js';
import type { PasswordHasher } from './password-hasher.js';
import { randomToken, SESSION_TOKEN_PREFIX, tokenHash } from './secret-token.js';
import { SessionsRepository, type LiveSession } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';

const HOUR = 3_600_000;
export const VERIFY_TOKEN_TTL_MS = 24 * HOUR;
export const RESET_TOKEN_TTL_MS = HOUR;
/** Fixed from sign-in: a stolen token stops working within a month, whatever happens. */
export const SESSION_TTL_MS = 30 * 24 * HOUR;

/** How account emails leave: the api adapts its email transport (outbox or Postmark) to this. */
export interface AccountMailer {
  send(em: EntityManager, to: string, content: AccountEmailContent): Promise<void>;
}

export interface AuthDependencies {
  hasher: PasswordHasher;
  mailer: AccountMailer;
  limits: AuthRateLimits;
  /** The dashboard's public URL: emailed links point at its pages. */
  dashboardUrl: string;
  clock?: () => Date;
  /** A send that fails is logged, never shown to the caller (the answer must not depend on the address). */
  onMailError?: (err: unknown) => void;
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

export interface SignedIn {
  session: IssuedSession;
  user: User;
}

/** The caller behind a session token, as the guards see it. */
export type Principal = LiveSession;

const TOKEN_ERRORS = {
  invalid: ['token_invalid', 'is not a link we sent (check that it was copied whole)'],
  expired: ['token_expired', 'has expired: ask for a new link'],
  used: ['token_used', 'was already used: ask for a new link if you still need one'],
} as const;

/** Sign-up, verification, sign-in and out, and the forgotten password. Input is parsed here with the route's schemas. */
export class AuthService {
  private readonly now: () => Date;
  /** A hash to check against when the address is unknown, so the answer takes as long either way. */
  private decoy?: Promise<string>;

  constructor(private readonly deps: AuthDependencies) {
    this.now = deps.clock ?? (() => new Date());
  }

  /** Always the same answer: whether the address already had an account is told only to its owner, by email. */
  async signUp(em: EntityManager, body: unknown, ip: string): Promise<{ email: string; verificationSent: true }> {
    const input = parseOrThrow(signUpSchema, body);
    const email = normalizeEmail(input.email);
    await this.deps.limits.consume('sign-up', { email, ip });
    // Hashed before we know whether the address exists: both paths cost the same.
    const passwordHash = await this.deps.hasher.hash(input.password);
    const now = this.now();
    const outcome = await em.transactional(async (tx) => {
      const existing = await new UsersRepository(tx).findByEmail(email);
      if (existing) return existing.emailVerifiedAt ? { kind: 'exists' as const, user: existing } : { kind: 'resend' as const, user: existing };
      const accountId = randomUUID();
      tx.create(AccountSchema, { id: accountId, createdAt: now });
      await tx.flush();
      const user = tx.create(UserSchema, { id: randomUUID(), accountId, role: 'owner', name: input.name, email, passwordHash, emailVerifiedAt: null, createdAt: now });
      await tx.flush();
      return { kind: 'created' as const, user };
    });
    if (outcome.kind === 'exists') {
      // The password given here is not applied: only the address's owner may change it (forgot-password).
      await this.mail(em, outcome.user.email, alreadyRegisteredEmail(outcome.user.name, this.link('/sign-in'), this.link('/forgot-password')));
    } else {
      await this.sendVerification(em, outcome.user);
    }
    return { email, verificationSent: true };
  }

  /** A new verification link, if the address has an unverified account; the same answer otherwise. */
  async resendVerification(em: EntityManager, body: unknown, ip: string): Promise<{ sent: true }> {
    const email = normalizeEmail(parseOrThrow(emailOnlySchema, body).email);
    await this.deps.limits.consume('resend-verification', { email, ip });
    const user = await new UsersRepository(em).findByEmail(email);
    if (user && !user.emailVerifiedAt) await this.sendVerification(em, user);
    return { sent: true };
  }

  /** Uses the emailed link: the address is verified and the merchant is signed in. */
  async verify(em: EntityManager, body: unknown): Promise<SignedIn> {
    const { token } = parseOrThrow(verifySchema, body);
    return em.transactional(async (tx) => {
      const now = this.now();
      const userId = await this.consume(tx, 'verify', token, now);
      const user = (await new UsersRepository(tx).findById(userId))!;
      user.emailVerifiedAt ??= now;
      await tx.flush();
      await new EmailTokensRepository(tx).spendAll(userId, 'verify', now);
      return { session: await this.openSession(tx, user, now), user };
    });
  }

  async signIn(em: EntityManager, body: unknown, ip: string): Promise<SignedIn> {
    const input = parseOrThrow(signInSchema, body);
    const who = { email: normalizeEmail(input.email), ip };
    await this.deps.limits.checkSignIn(who);
    const user = await new UsersRepository(em).findByEmail(who.email);
    const ok = user ? await this.deps.hasher.verify(user.passwordHash, input.password) : await this.decoyVerify(input.password);
    if (!user || !ok) {
      await this.deps.limits.signInFailed(who);
      throw new DomainError('invalid_credentials', 'the email address or the password is wrong');
    }
    await this.deps.limits.signInSucceeded(who);
    // Only after the password: an unverified address is not revealed to someone who does not know it.
    if (!user.emailVerifiedAt) throw new DomainError('email_unverified', 'confirm your email address first: use the link we sent, or ask for a new one');
    return { session: await this.openSession(em, user, this.now()), user };
  }

  async signOut(em: EntityManager, principal: Principal): Promise<void> {
    await new SessionsRepository(em).revoke(principal.userId, principal.sessionId, this.now());
  }

  async forgotPassword(em: EntityManager, body: unknown, ip: string): Promise<{ sent: true }> {
    const email = normalizeEmail(parseOrThrow(emailOnlySchema, body).email);
    await this.deps.limits.consume('forgot-password', { email, ip });
    const user = await new UsersRepository(em).findByEmail(email);
    if (user) {
      const token = randomToken();
      await new EmailTokensRepository(em).issue(user.id, 'reset', tokenHash(token), this.now(), RESET_TOKEN_TTL_MS);
      await this.mail(em, user.email, passwordResetEmail(user.name, this.link('/reset-password', token)));
    }
    return { sent: true };
  }

  /** Sets the new password and signs the user out everywhere; the link also proves the address, so it verifies it. */
  async resetPassword(em: EntityManager, body: unknown): Promise<{ reset: true }> {
    const input = parseOrThrow(resetPasswordSchema, body);
    const passwordHash = await this.deps.hasher.hash(input.password);
    await em.transactional(async (tx) => {
      const now = this.now();
      const userId = await this.consume(tx, 'reset', input.token, now);
      const user = (await new UsersRepository(tx).findById(userId))!;
      user.passwordHash = passwordHash;
      user.emailVerifiedAt ??= now;
      await tx.flush();
      await new EmailTokensRepository(tx).spendAll(userId, 'reset', now);
      await new SessionsRepository(tx).revokeAll(userId, now);
    });
    return { reset: true };
  }

  /** The live session behind a `bms_` token, or 401. */
  async authenticate(em: EntityManager, token: string | undefined): Promise<Principal> {
    if (!token?.startsWith(SESSION_TOKEN_PREFIX) || token.length > 100) throw new UnauthorizedError('sign in first: send Authorization: Bearer <session token>');
    const session = await new SessionsRepository(em).live(tokenHash(token), this.now());
    if (!session) throw new UnauthorizedError('the session has expired or was signed out: sign in again');
    return session;
  }

  private async openSession(em: EntityManager, user: User, now: Date): Promise<IssuedSession> {
    const token = randomToken(SESSION_TOKEN_PREFIX);
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await new SessionsRepository(em).create(user.id, tokenHash(token), expiresAt, now);
    return { token, expiresAt };
  }

  private async consume(em: EntityManager, purpose: EmailTokenPurpose, token: string, now: Date): Promise<string> {
    const result = await new EmailTokensRepository(em).consume(purpose, tokenHash(token), now);
    if (result.ok) return result.userId;
    const [code, message] = TOKEN_ERRORS[result.reason];
    throw new DomainError(code, `token ${message}`, [{ field: 'token', message }]);
  }

  private async sendVerification(em: EntityManager, user: User): Promise<void> {
    const token = randomToken();
    await new EmailTokensRepository(em).issue(user.id, 'verify', tokenHash(token), this.now(), VERIFY_TOKEN_TTL_MS);
    await this.mail(em, user.email, verificationEmail(user.name, this.link('/verify', token)));
  }

  private async mail(em: EntityManager, to: string, content: AccountEmailContent): Promise<void> {
    try {
      await this.deps.mailer.send(em, to, content);
    } catch (err) {
      this.deps.onMailError?.(err);
    }
  }

  private link(path: string, token?: string): string {
    return `${this.deps.dashboardUrl}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }

  private async decoyVerify(password: string): Promise<boolean> {
    this.decoy ??= this.deps.hasher.hash(randomToken());
    await this.deps.hasher.verify(await this.decoy, password);
    return false;
  }
}
