import { currencyDigits, fromMinorUnits } from '@boomerang/domain';
import { z } from 'zod';
import type { WebhookEventType } from '../webhook-events.js';
import { APP_DISPLAY_NAMES, type AppAdapter, type AppEvent, type DeliveryOutcome, type SplitConfig } from './app-adapter.js';
import { exchange, transient } from './app-http.js';

export interface SlackConfig {
  webhookUrl: string;
  /** Orders at or above this total (minor units of the store's currency) are posted; 0 posts every order. */
  orderThresholdMinor: number;
  notifyConversions: boolean;
}
type SlackSettings = Omit<SlackConfig, 'webhookUrl'>;
type SlackSecrets = Pick<SlackConfig, 'webhookUrl'>;

export interface SlackAdapterOptions {
  /** Loopback hooks accepted (tests, development: the fake Slack); production takes only https://hooks.slack.com. */
  allowLoopback: boolean;
  timeoutMs: number;
}

const HOOK_PATH = /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Slack's documented incoming-webhook errors that mean the hook itself is gone or refused (not this message). */
const BROKEN = new Set(['action_prohibited', 'channel_not_found', 'no_service', 'channel_is_archived', 'no_active_hooks', 'invalid_token']);

function money(minor: number, currency: string): string {
  return `${fromMinorUnits(minor, currency).toFixed(currencyDigits(currency))} ${currency}`;
}

interface OrderData {
  number?: string | null;
  externalId?: string;
  totalMinor?: number;
  currency: string;
  adminUrl?: string | null;
}
interface ConversionData {
  revenueMinor?: number;
  currency: string;
}

type Person = { email?: string | null; firstName?: string | null; lastName?: string | null } | null | undefined;
const who = (c: Person) => (c ? [[c.firstName, c.lastName].filter(Boolean).join(' '), c.email ? `(${c.email})` : ''].filter(Boolean).join(' ') : 'a guest');

/** Slack `mrkdwn` escaping: &, < and > only (https://api.slack.com/reference/surfaces/formatting#escaping). */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Posts to a Slack incoming webhook (https://api.slack.com/messaging/webhooks): `{ text, blocks }`, one message per
 * order at or above the threshold and, when chosen, per conversion. Other events are skipped without a request.
 */
export class SlackAdapter implements AppAdapter<SlackConfig, SlackSettings, SlackSecrets> {
  readonly kind = 'slack';
  readonly displayName = APP_DISPLAY_NAMES.slack;
  readonly secretFields = ['webhookUrl'] as const;
  readonly configSchema: z.ZodType<SlackConfig>;

  constructor(private readonly options: SlackAdapterOptions) {
    this.configSchema = z
      .object({
        webhookUrl: z
          .string({ error: 'must be a Slack incoming webhook URL' })
          .max(500, { message: 'must be at most 500 characters', abort: true })
          .trim()
          .refine((v) => this.hookProblem(v) === null, { error: (iss) => this.hookProblem(String(iss.input)) ?? 'invalid' }),
        orderThresholdMinor: z.number({ error: 'must be a whole number of minor units' }).int({ message: 'must be a whole number of minor units' }).min(0).max(1e12),
        notifyConversions: z.boolean({ error: 'must be true or false' }),
      })
      .strict() as z.ZodType<SlackConfig>;
  }

  private hookProblem(value: string): string | null {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'must be a Slack incoming webhook URL (https://hooks.slack.com/services/…)';
    }
    const loopback = this.options.allowLoopback && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
    const slack = url.protocol === 'https:' && url.hostname === 'hooks.slack.com' && !url.port;
    if (!slack && !loopback) return 'must be a Slack incoming webhook URL on https://hooks.slack.com';
    if (url.username || url.password || url.search || url.hash || !HOOK_PATH.test(url.pathname)) return 'must look like https://hooks.slack.com/services/T…/B…/…';
    return null;
  }

  split(config: SlackConfig): SplitConfig<SlackSettings, SlackSecrets> {
    const url = new URL(config.webhookUrl);
    const [, , team] = url.pathname.split('/');
    const eventTypes: WebhookEventType[] = ['order.created'];
    if (config.notifyConversions) eventTypes.push('conversion.recorded');
    return {
      settings: { orderThresholdMinor: config.orderThresholdMinor, notifyConversions: config.notifyConversions },
      secrets: { webhookUrl: config.webhookUrl },
      target: `${url.origin}/services/${team}/…`,
      eventTypes,
    };
  }

  join(settings: SlackSettings, secrets: SlackSecrets): SlackConfig {
    return { ...settings, ...secrets };
  }

  /** An incoming webhook can only be checked by posting, which the test-send does on request; saving checks the URL's form. */
  async connect(): Promise<void> {}

  testSend(_settings: SlackSettings, secrets: SlackSecrets): Promise<DeliveryOutcome> {
    return this.post(secrets.webhookUrl, { text: 'Boomerang is connected: order and conversion notifications will appear here.' });
  }

  deliver(event: AppEvent, settings: SlackSettings, secrets: SlackSecrets): Promise<DeliveryOutcome> {
    const message = this.message(event, settings);
    if (typeof message === 'string') return Promise.resolve({ result: 'skipped', reason: message });
    return this.post(secrets.webhookUrl, message);
  }

  /** The message for an event, or why there is none. */
  message(event: AppEvent, settings: SlackSettings): { text: string; blocks?: unknown[] } | string {
    const data = event.payload.data as { order?: OrderData; conversion?: ConversionData; customer?: Person };
    if (event.type === 'order.created') {
      const order = data.order ?? { currency: '' };
      const total = Number(order.totalMinor ?? 0);
      if (total < settings.orderThresholdMinor) return `order total ${money(total, order.currency)} below the threshold (${settings.orderThresholdMinor} minor units)`;
      const text = `New order ${order.number ? `#${order.number}` : order.externalId}: ${money(total, order.currency)} from ${who(data.customer)}`;
      const fields = [`*Total*\n${money(total, order.currency)}`, `*Customer*\n${esc(who(data.customer))}`];
      const blocks: unknown[] = [
        { type: 'section', text: { type: 'mrkdwn', text: `:shopping_trolley: *New order ${esc(order.number ? `#${order.number}` : String(order.externalId))}*` } },
        { type: 'section', fields: fields.map((t) => ({ type: 'mrkdwn', text: t })) },
      ];
      if (order.adminUrl) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open order' }, url: order.adminUrl }] });
      return { text, blocks };
    }
    if (event.type === 'conversion.recorded') {
      if (!settings.notifyConversions) return 'conversions are not posted';
      const c = data.conversion ?? { currency: '' };
      const text = `Win-back: ${who(data.customer)} ordered again (${money(Number(c.revenueMinor ?? 0), c.currency)}) after a Boomerang email`;
      return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:boomerang: ${esc(text)}` } }] };
    }
    return `${event.type} is not posted to Slack`;
  }

  private async post(url: string, message: { text: string; blocks?: unknown[] }): Promise<DeliveryOutcome> {
    const a = await exchange(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), timeoutMs: this.options.timeoutMs });
    const error = a.error ?? `Slack answered ${a.status}${a.body ? `: ${a.body.trim().slice(0, 200)}` : ''}`;
    if (a.status !== null && a.status >= 200 && a.status < 300) return { result: 'delivered', statusCode: a.status, durationMs: a.durationMs };
    if (transient(a)) return { result: 'retry', statusCode: a.status, error, durationMs: a.durationMs, retryAfterMs: a.retryAfterMs };
    if (BROKEN.has(a.body.trim()) || a.status === 403 || a.status === 404 || a.status === 410) return { result: 'broken', statusCode: a.status, error, durationMs: a.durationMs };
    return { result: 'failed', statusCode: a.status, error, durationMs: a.durationMs };
  }
}
