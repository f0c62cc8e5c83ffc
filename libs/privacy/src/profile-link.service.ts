import { SubscriptionService } from '@boomerang/customers';
import { DomainError, NotFoundError, UnauthorizedError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import { buildCustomerExport, isSubscribed, type CustomerExport } from './customer-export.js';
import { CustomerDataRepository, type CustomerProfile } from './customer-data.repository.js';
import { profileLinkEmail, type ProfileLinkEmail } from './profile-link-email.js';
import type { ProfileLinkLimiter } from './profile-link-rate-limit.js';
import { ProfileLinkRepository, type LinkTarget, type SentLink } from './profile-link.repository.js';
import { openLinkSchema, subscriptionSchema } from './privacy.schemas.js';
import { isWellFormedToken, randomToken, sha256 } from './secret-token.js';

/** Sends email through the project's transactional transport (the outbox in development, Postmark in production). */
export interface PrivacyMailer {
  send(em: EntityManager, to: string, content: ProfileLinkEmail): Promise<void>;
}

export interface ProfileLinkSettings {
  mailer: PrivacyMailer;
  limiter: ProfileLinkLimiter;
  /** The dashboard's public URL: the link opens `<dashboardUrl>/privacy/<token>`. */
  dashboardUrl: string;
  clock?: () => Date;
  linkTtlMs?: number;
  sessionTtlMs?: number;
}

/** Page sessions carry this prefix, so one is never mistaken for an emailed token. */
export const PRIVACY_SESSION_PREFIX = 'bmp_';
export const PROFILE_LINK_TTL_MS = 15 * 60_000;
export const PRIVACY_SESSION_TTL_MS = 15 * 60_000;

/** What the customer's page shows. */
export interface PrivacyPageView {
  store: { name: string | null };
  profile: Pick<CustomerProfile, 'email' | 'firstName' | 'lastName' | 'phone' | 'company' | 'registered' | 'createdAt'>;
  subscribed: boolean;
  unsubscribedAt: Date | null;
  orders: { number: string | null; status: string; currency: string; totalMinor: number; placedAt: Date; items: number }[];
  messages: { subject: string | null; status: string; sentAt: Date | null; opens: number; clicks: number }[];
  sessionExpiresAt: Date;
}

/**
 * "Send Profile Information" (issue 14, point 3). The merchant sends a link; the link's page (no sign-in) is used
 * once: pressing "Show my data" consumes the token and opens a page session of 15 minutes, which the dashboard
 * keeps in an http-only cookie for the page's actions (preferences, export). Opening the link only looks (so mail
 * scanners that fetch links do not spend it); a used or expired link says so and shows nothing. The link expires
 * 15 minutes after it was sent whether or not it was used.
 */
export class ProfileLinkService {
  private readonly clock: () => Date;
  private readonly linkTtlMs: number;
  private readonly sessionTtlMs: number;

  constructor(private readonly settings: ProfileLinkSettings) {
    this.clock = settings.clock ?? (() => new Date());
    this.linkTtlMs = settings.linkTtlMs ?? PROFILE_LINK_TTL_MS;
    this.sessionTtlMs = settings.sessionTtlMs ?? PRIVACY_SESSION_TTL_MS;
  }

  /** Emails the customer a new link (earlier unused ones stay valid until they expire). */
  async send(em: EntityManager, storeId: string, customerId: string): Promise<{ sentTo: string; expiresAt: Date }> {
    const data = new CustomerDataRepository(em);
    const customer = await data.profile(storeId, customerId);
    if (!customer) throw new NotFoundError('customer', customerId);
    await this.settings.limiter.consume(customerId);
    const token = randomToken();
    const now = this.clock();
    const expiresAt = await em.transactional(async (tx) => {
      const at = await new ProfileLinkRepository(tx).issue(storeId, customerId, sha256(token), now, this.linkTtlMs);
      const url = `${this.settings.dashboardUrl.replace(/\/$/, '')}/privacy/${token}`;
      const storeName = (await new CustomerDataRepository(tx).storeName(storeId)) ?? 'The store';
      await this.settings.mailer.send(tx, customer.email, profileLinkEmail(storeName, customer.firstName, url, Math.round(this.linkTtlMs / 60_000)));
      return at;
    });
    return { sentTo: customer.email, expiresAt };
  }

  async sent(em: EntityManager, storeId: string, customerId: string): Promise<SentLink[]> {
    return new ProfileLinkRepository(em).listSent(storeId, customerId);
  }

  /** The link's state without using it: `{ storeName, expiresAt }`, or token_invalid / token_expired / token_used. */
  async peek(em: EntityManager, token: string): Promise<{ storeName: string | null; expiresAt: Date }> {
    const state = await new ProfileLinkRepository(em).peek(sha256(this.wellFormed(token)), this.clock());
    if (!state.ok) throw linkError(state.reason);
    return { storeName: await new CustomerDataRepository(em).storeName(state.target.storeId), expiresAt: state.expiresAt };
  }

  /** Uses the link: answers the page session (shown once; only its hash is kept) and when it ends. */
  async open(em: EntityManager, body: unknown): Promise<{ session: string; expiresAt: Date }> {
    const { token } = parseOrThrow(openLinkSchema, body);
    const session = randomToken(PRIVACY_SESSION_PREFIX);
    const state = await new ProfileLinkRepository(em).consume(sha256(this.wellFormed(token)), sha256(session), this.clock(), this.sessionTtlMs);
    if (!state.ok) throw linkError(state.reason);
    return { session, expiresAt: state.expiresAt };
  }

  async view(em: EntityManager, session: string | undefined): Promise<PrivacyPageView> {
    const target = await this.session(em, session);
    const data = new CustomerDataRepository(em);
    const profile = await this.profile(data, target);
    const [orders, messages] = [await data.orders(target.storeId, target.customerId, 100), await data.messages(target.storeId, target.customerId, 100)];
    return {
      store: { name: await data.storeName(target.storeId) },
      profile: {
        email: profile.email,
        firstName: profile.firstName,
        lastName: profile.lastName,
        phone: profile.phone,
        company: profile.company,
        registered: profile.registered,
        createdAt: profile.createdAt,
      },
      subscribed: isSubscribed(profile),
      unsubscribedAt: profile.unsubscribedAt,
      orders: orders.map((o) => ({ number: o.number, status: o.status, currency: o.currency, totalMinor: o.totalMinor, placedAt: o.placedAt, items: o.lines.reduce((n, l) => n + l.quantity, 0) })),
      messages: messages.map((m) => ({ subject: m.subject, status: m.status, sentAt: m.sentAt, opens: m.openCount, clicks: m.clickCount })),
      sessionExpiresAt: target.expiresAt,
    };
  }

  async setSubscription(em: EntityManager, session: string | undefined, body: unknown): Promise<PrivacyPageView> {
    const { subscribed } = parseOrThrow(subscriptionSchema, body);
    const target = await this.session(em, session);
    // The one way a subscription changes: the customer's row and its history (source `profile_page`); the
    // customer's own click on a subscribe button is an explicit opt-in.
    await new SubscriptionService(this.clock).change(em, {
      storeId: target.storeId,
      customerId: target.customerId,
      subscribed,
      source: 'profile_page',
      optedIn: subscribed ? true : undefined,
    });
    return this.view(em, session);
  }

  async export(em: EntityManager, session: string | undefined): Promise<CustomerExport> {
    const target = await this.session(em, session);
    return buildCustomerExport(em, target.storeId, { customerId: target.customerId }, this.clock());
  }

  private async session(em: EntityManager, session: string | undefined): Promise<LinkTarget & { expiresAt: Date }> {
    if (!isWellFormedToken(session, PRIVACY_SESSION_PREFIX)) throw new UnauthorizedError('no privacy page session: open the link from your email again');
    const target = await new ProfileLinkRepository(em).session(sha256(session), this.clock());
    if (!target) throw new UnauthorizedError('this privacy page session has ended: ask the store for a new link');
    return target;
  }

  private async profile(data: CustomerDataRepository, target: LinkTarget): Promise<CustomerProfile> {
    const profile = await data.profile(target.storeId, target.customerId);
    // Erased since the link was used: nothing is left to show.
    if (!profile) throw new UnauthorizedError('this privacy page session has ended: ask the store for a new link');
    return profile;
  }

  private wellFormed(token: string): string {
    if (!isWellFormedToken(token)) throw linkError('invalid');
    return token;
  }
}

function linkError(reason: 'invalid' | 'expired' | 'used'): DomainError {
  switch (reason) {
    case 'invalid':
      return new DomainError('token_invalid', 'this link is not valid');
    case 'expired':
      return new DomainError('token_expired', 'this link has expired: links work for 15 minutes');
    case 'used':
      return new DomainError('token_used', 'this link was already used: links work once');
  }
}
