import { AppRegistry } from './app-adapter.js';
import { MAILCHIMP_BASE_URL, MailchimpAdapter } from './mailchimp.adapter.js';
import { SlackAdapter } from './slack.adapter.js';

export interface AppSettings {
  /** Loopback services accepted (the fakes in tests); never in production. */
  allowLoopback: boolean;
  timeoutMs: number;
  /** Mailchimp's Marketing API base, `{dc}` standing for the key's datacenter. */
  mailchimpBaseUrl?: string;
}

/** The apps this deployment offers. */
export function createAppRegistry(settings: AppSettings): AppRegistry {
  return new AppRegistry([
    new SlackAdapter({ allowLoopback: settings.allowLoopback, timeoutMs: settings.timeoutMs }),
    new MailchimpAdapter({ baseUrl: settings.mailchimpBaseUrl ?? MAILCHIMP_BASE_URL, timeoutMs: settings.timeoutMs }),
  ]);
}
