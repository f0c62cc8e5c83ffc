import { createHash } from 'node:crypto';
import { DomainError, ValidationError } from '@boomerang/domain';
import { z } from 'zod';
import { APP_DISPLAY_NAMES, type AppAdapter, type AppEvent, type DeliveryOutcome, type SplitConfig } from './app-adapter.js';
import { exchange, transient, type HttpAnswer } from './app-http.js';

export interface MailchimpConfig {
  /** `<32 hex>-<datacenter>`, e.g. `…-us6`. */
  apiKey: string;
  /** The audience (list) id. */
  listId: string;
}
type MailchimpSettings = { listId: string; datacenter: string };
type MailchimpSecrets = { apiKey: string };

export interface MailchimpAdapterOptions {
  /** The Marketing API base with `{dc}` for the key's datacenter: `https://{dc}.api.mailchimp.com/3.0` (a fake's in tests). */
  baseUrl: string;
  timeoutMs: number;
}

export const MAILCHIMP_BASE_URL = 'https://{dc}.api.mailchimp.com/3.0';
const API_KEY = /^[0-9a-f]{32}-([a-z]{2}[0-9]{1,2})$/;

/** The member's id in an audience: the MD5 of the lowercased address (Mailchimp's "subscriber hash"). */
export const subscriberHash = (email: string) => createHash('md5').update(email.trim().toLowerCase()).digest('hex');

interface Problem {
  title?: string;
  detail?: string;
}
const problem = (a: HttpAnswer): Problem => {
  try {
    return JSON.parse(a.body) as Problem;
  } catch {
    return {};
  }
};
const describe = (a: HttpAnswer) => {
  if (a.error) return a.error;
  const p = problem(a);
  return `Mailchimp answered ${a.status}${p.title ? `: ${p.title}${p.detail ? ` (${p.detail})` : ''}` : ''}`;
};

/**
 * Keeps a Mailchimp audience in step (Marketing API v3): a subscription change upserts the member as subscribed or
 * unsubscribed (`PUT /lists/{id}/members/{hash}`), an order updates the names of someone already in the audience
 * (`PATCH`, never adding a person who did not subscribe). HTTP basic auth with the API key.
 */
export class MailchimpAdapter implements AppAdapter<MailchimpConfig, MailchimpSettings, MailchimpSecrets> {
  readonly kind = 'mailchimp';
  readonly displayName = APP_DISPLAY_NAMES.mailchimp;
  readonly secretFields = ['apiKey'] as const;
  readonly configSchema: z.ZodType<MailchimpConfig> = z
    .object({
      apiKey: z.string({ error: 'must be a Mailchimp API key' }).max(100, { message: 'must be a Mailchimp API key', abort: true }).trim().regex(API_KEY, { message: 'must be a Mailchimp API key: 32 hex characters, a dash and the datacenter (…-us6)' }),
      listId: z.string({ error: 'must be an audience id' }).trim().regex(/^[0-9a-zA-Z]{1,32}$/, { message: 'must be an audience id (letters and digits, from Audience → Settings)' }),
    })
    .strict();

  constructor(private readonly options: MailchimpAdapterOptions) {}

  split(config: MailchimpConfig): SplitConfig<MailchimpSettings, MailchimpSecrets> {
    const datacenter = API_KEY.exec(config.apiKey)![1]!;
    return {
      settings: { listId: config.listId, datacenter },
      secrets: { apiKey: config.apiKey },
      target: `${this.base(datacenter)}/lists/${config.listId}`,
      eventTypes: ['customer.subscribed', 'customer.unsubscribed', 'order.created'],
    };
  }

  join(settings: MailchimpSettings, secrets: MailchimpSecrets): MailchimpConfig {
    return { listId: settings.listId, apiKey: secrets.apiKey };
  }

  async connect(settings: MailchimpSettings, secrets: MailchimpSecrets): Promise<void> {
    const a = await this.call('GET', settings, secrets, `/lists/${settings.listId}`);
    if (a.status === 200) return;
    if (a.status === 401 || a.status === 403) throw ValidationError.field('config.apiKey', `API key invalid (${describe(a)})`);
    if (a.status === 404) throw ValidationError.field('config.listId', 'audience not found');
    if (transient(a)) throw new DomainError('unavailable', `Mailchimp cannot be reached now, nothing was saved: ${describe(a)}`);
    throw ValidationError.field('config', describe(a));
  }

  async testSend(settings: MailchimpSettings, secrets: MailchimpSecrets): Promise<DeliveryOutcome> {
    const a = await this.call('GET', settings, secrets, `/lists/${settings.listId}`);
    return this.judge(a);
  }

  async deliver(event: AppEvent, settings: MailchimpSettings, secrets: MailchimpSecrets): Promise<DeliveryOutcome> {
    const data = event.payload.data as { customer?: { email?: string | null; firstName?: string | null; lastName?: string | null } | null };
    const customer = data.customer;
    if (!customer?.email) return { result: 'skipped', reason: 'no customer email' };
    const merge_fields: Record<string, string> = {};
    if (customer.firstName) merge_fields['FNAME'] = customer.firstName;
    if (customer.lastName) merge_fields['LNAME'] = customer.lastName;
    const path = `/lists/${settings.listId}/members/${subscriberHash(customer.email)}`;
    if (event.type === 'customer.subscribed' || event.type === 'customer.unsubscribed') {
      const status = event.type === 'customer.subscribed' ? 'subscribed' : 'unsubscribed';
      return this.judge(await this.call('PUT', settings, secrets, path, { email_address: customer.email, status_if_new: status, status, merge_fields }));
    }
    if (event.type.startsWith('order.')) {
      if (!Object.keys(merge_fields).length) return { result: 'skipped', reason: 'no names to update' };
      const a = await this.call('PATCH', settings, secrets, path, { merge_fields });
      // Not in the audience: an order never adds someone who did not subscribe.
      if (a.status === 404 && problem(a).title === 'Resource Not Found') return { result: 'skipped', reason: 'not in the audience' };
      return this.judge(a);
    }
    return { result: 'skipped', reason: `${event.type} does not concern Mailchimp` };
  }

  private judge(a: HttpAnswer): DeliveryOutcome {
    const base = { statusCode: a.status, durationMs: a.durationMs };
    if (a.status !== null && a.status >= 200 && a.status < 300) return { result: 'delivered', ...base };
    const error = describe(a);
    if (transient(a)) return { result: 'retry', ...base, error, retryAfterMs: a.retryAfterMs };
    if (a.status === 401 || a.status === 403) return { result: 'broken', ...base, error: `API key invalid: ${error}` };
    if (a.status === 404) return { result: 'broken', ...base, error: `audience not found: ${error}` };
    // Other 4xx refuse this member for good ("Member In Compliance State", "Forgotten Email Not Subscribed"): logged, not the app's fault.
    return { result: 'failed', ...base, error };
  }

  private base(datacenter: string): string {
    return this.options.baseUrl.replace('{dc}', datacenter).replace(/\/$/, '');
  }

  private call(method: string, settings: MailchimpSettings, secrets: MailchimpSecrets, path: string, body?: unknown): Promise<HttpAnswer> {
    return exchange(`${this.base(settings.datacenter)}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`boomerang:${secrets.apiKey}`).toString('base64')}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.options.timeoutMs,
    });
  }
}
