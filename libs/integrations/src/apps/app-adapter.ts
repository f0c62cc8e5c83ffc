import type { z } from 'zod';
import type { WebhookEventType } from '../webhook-events.js';

/** The apps there are (the `kind` of an installation). */
export const APP_KINDS = ['slack', 'mailchimp'] as const;

/** How the merchant reads each app's name (the adapters and the alerts use it). */
export const APP_DISPLAY_NAMES: Record<(typeof APP_KINDS)[number], string> = { slack: 'Slack', mailchimp: 'Mailchimp' };

/** What one attempt at one event came to; the delivery activity turns it into the log and the line's next step. */
export type DeliveryOutcome =
  /** The service took it. */
  | { result: 'delivered'; statusCode: number | null; durationMs: number }
  /** The event does not concern this app (an order below the threshold): nothing was sent, nothing is logged as an attempt. */
  | { result: 'skipped'; reason: string }
  /** Try again later, in order (429, 5xx, timeout); `retryAfterMs` is the service's own Retry-After when it gave one. */
  | { result: 'retry'; statusCode: number | null; error: string; durationMs: number; retryAfterMs: number | null }
  /** This event can never go (Mailchimp's compliance state): logged as failed, the line moves on. */
  | { result: 'failed'; statusCode: number | null; error: string; durationMs: number }
  /** The app itself is broken (revoked Slack hook, archived channel): it is disabled with the reason until fixed. */
  | { result: 'broken'; statusCode: number | null; error: string; durationMs: number };

/** One event owed to an installation, as the delivery log holds it. */
export interface AppEvent {
  /** The same on every attempt and resend (the `webhook-id`). */
  id: string;
  type: WebhookEventType;
  /** `{ type, timestamp, data }` as webhooks carry it. */
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** An installation's configuration split into what may be shown and what is sealed at rest. */
export interface SplitConfig<Settings, Secrets> {
  settings: Settings;
  secrets: Secrets;
  /** Where it delivers, safe to show (no secret part). */
  target: string;
  /** The event types the installation needs fanned out to it. */
  eventTypes: WebhookEventType[];
}

/**
 * An app: a receiver of the same events as webhooks that speaks a service's own API. `Config` is what the merchant
 * enters (validated by `configSchema`); the activity calls `deliver` for each owed event, in order.
 */
export interface AppAdapter<Config = unknown, Settings = unknown, Secrets = unknown> {
  readonly kind: string;
  readonly displayName: string;
  readonly configSchema: z.ZodType<Config>;
  /** The config's fields that are secret: never returned, kept when an update leaves them out. */
  readonly secretFields: readonly string[];
  split(config: Config): SplitConfig<Settings, Secrets>;
  /** The config back from what is stored (to merge an update into). */
  join(settings: Settings, secrets: Secrets): Config;
  /** Checks the service accepts the config (throws a ValidationError naming the field, or an `unavailable` DomainError). */
  connect(settings: Settings, secrets: Secrets): Promise<void>;
  /** Sends a test (a message, or the connect check again); its outcome is shown to the merchant at once. */
  testSend(settings: Settings, secrets: Secrets): Promise<DeliveryOutcome>;
  deliver(event: AppEvent, settings: Settings, secrets: Secrets): Promise<DeliveryOutcome>;
}

/** The adapters this deployment offers, by kind. */
export class AppRegistry {
  private readonly byKind = new Map<string, AppAdapter>();

  constructor(adapters: readonly AppAdapter[]) {
    for (const a of adapters) this.byKind.set(a.kind, a);
  }

  get(kind: string): AppAdapter | undefined {
    return this.byKind.get(kind);
  }

  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  all(): AppAdapter[] {
    return [...this.byKind.values()];
  }
}
