import type { EntityManager } from '@boomerang/persistence';
import { APP_DISPLAY_NAMES } from './apps/app-adapter.js';
import { WebhookRepository } from './webhook.repository.js';

export interface EndpointDisabledAlert {
  storeId: string;
  endpointId: string;
  /** `webhook`, or the app (`slack`, `mailchimp`) whose installation was disabled. */
  kind?: string;
  url: string;
  reason: string;
}

export interface WebhookAlerts {
  endpointDisabled(em: EntityManager, alert: EndpointDisabledAlert): Promise<void>;
}

/** What the project's transports offer for system email (`SystemMailer` in @boomerang/email). */
export interface AlertMailer {
  sendSystem(email: { from: string; to: string; subject: string; html: string; text: string; tag: string }, em: EntityManager): Promise<unknown>;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Emails the account's technical contact (else its owner) that an endpoint was disabled, with the way back. */
export class EmailWebhookAlerts implements WebhookAlerts {
  constructor(
    private readonly mailer: AlertMailer,
    private readonly from: string,
    private readonly dashboardUrl: string,
  ) {}

  async endpointDisabled(em: EntityManager, alert: EndpointDisabledAlert): Promise<void> {
    const { storeName, email } = await new WebhookRepository(em).alertAddress(alert.storeId);
    if (!email) return;
    if (alert.kind && alert.kind !== 'webhook') return this.appDisabled(em, alert, storeName, email);
    const link = `${this.dashboardUrl}/stores/${alert.storeId}/webhooks/${alert.endpointId}`;
    const text = `Boomerang stopped sending webhooks of ${storeName} to ${alert.url}: it kept failing for a day (${alert.reason}).\n\nEvents are kept: fix the receiver, then enable the endpoint again at ${link} and they are delivered in order.`;
    await this.mailer.sendSystem(
      {
        from: this.from,
        to: email,
        subject: `Webhook endpoint disabled: ${alert.url}`,
        text,
        html: `<p>Boomerang stopped sending webhooks of <strong>${escape(storeName)}</strong> to <code>${escape(alert.url)}</code>: it kept failing for a day (${escape(alert.reason)}).</p><p>Events are kept: fix the receiver, then <a href="${escape(link)}">enable the endpoint again</a> and they are delivered in order.</p>`,
        tag: 'webhook-endpoint-disabled',
      },
      em,
    );
  }

  /** An app (Slack, Mailchimp) was turned off: by its service refusing it, or after a day of failures. */
  private async appDisabled(em: EntityManager, alert: EndpointDisabledAlert, storeName: string, email: string): Promise<void> {
    const name = APP_DISPLAY_NAMES[alert.kind as keyof typeof APP_DISPLAY_NAMES] ?? alert.kind!;
    const link = `${this.dashboardUrl}/stores/${alert.storeId}/apps/${alert.endpointId}`;
    await this.mailer.sendSystem(
      {
        from: this.from,
        to: email,
        subject: `${name} app disabled for ${storeName}`,
        text: `Boomerang stopped sending events of ${storeName} to ${name}: ${alert.reason}.\n\nEvents are kept: fix it in ${name} (or change the app's settings), then enable the app again at ${link} and they are delivered in order.`,
        html: `<p>Boomerang stopped sending events of <strong>${escape(storeName)}</strong> to ${escape(name)}: ${escape(alert.reason)}.</p><p>Events are kept: fix it in ${escape(name)} (or change the app's settings), then <a href="${escape(link)}">enable the app again</a> and they are delivered in order.</p>`,
        tag: 'app-disabled',
      },
      em,
    );
  }
}
