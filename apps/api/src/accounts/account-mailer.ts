import type { AccountMailer } from '@boomerang/accounts';
import { OutboxTransport, PostmarkTransport, type SystemMailer } from '@boomerang/email';
import type { ApiEmailConfig } from '../config.js';

/** Account emails through the project's transport: the outbox in development, Postmark's transactional stream in production. */
export function createAccountMailer(config: ApiEmailConfig): AccountMailer {
  const transport: SystemMailer = config.transport === 'postmark' ? new PostmarkTransport(config.postmark) : new OutboxTransport();
  return {
    async send(em, to, content) {
      await transport.sendSystem({ from: config.from, to, subject: content.subject, html: content.html, text: content.text, tag: content.tag }, em);
    },
  };
}
