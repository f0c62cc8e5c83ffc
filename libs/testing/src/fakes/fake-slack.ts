import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a Slack incoming webhook answers when something is wrong with it (https://api.slack.com/messaging/webhooks#handling_errors). */
export type SlackHookState = 'ok' | 'channel_not_found' | 'channel_is_archived' | 'no_service' | 'action_prohibited';

const HOOK_STATUS: Record<Exclude<SlackHookState, 'ok'>, number> = { channel_not_found: 404, no_service: 404, channel_is_archived: 410, action_prohibited: 403 };

export interface SlackMessage {
  hook: string;
  text: string;
  blocks?: unknown[];
}

/**
 * Slack's incoming webhooks on loopback: `POST /services/T…/B…/<token>` with JSON `{ text, blocks }` answers `200 ok`,
 * `400 invalid_payload` (no text, not JSON), `404 no_service` (unknown hook) and the states a hook can be put in; a
 * spec can make it answer 429 with Retry-After or 5xx for the next requests. Messages taken are kept in order.
 */
export class FakeSlack {
  readonly messages: SlackMessage[] = [];
  hits = 0;
  /** The next requests are answered this status (429 with `retryAfterSeconds`, or a 5xx) and not kept. */
  failNext: { count: number; status: number; retryAfterSeconds?: number } = { count: 0, status: 500 };
  private readonly hooks = new Map<string, SlackHookState>();
  private server?: Server;
  private base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.hits++;
        const answer = (status: number, body: string, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(body);
        if (this.failNext.count > 0) {
          this.failNext.count--;
          const { status, retryAfterSeconds } = this.failNext;
          return answer(status, status === 429 ? 'rate_limited' : 'internal_error', retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {});
        }
        const hook = req.url ?? '';
        const state = this.hooks.get(hook);
        if (req.method !== 'POST' || !state) return answer(404, 'no_service');
        if (state !== 'ok') return answer(HOOK_STATUS[state], state);
        let message: { text?: unknown; blocks?: unknown };
        try {
          message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return answer(400, 'invalid_payload');
        }
        if (typeof message.text !== 'string' || !message.text) return answer(400, 'no_text');
        if (message.blocks !== undefined && !Array.isArray(message.blocks)) return answer(400, 'invalid_blocks');
        this.messages.push({ hook, text: message.text, blocks: message.blocks as unknown[] | undefined });
        answer(200, 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new incoming webhook URL (like https://hooks.slack.com/services/T…/B…/…) that takes messages. */
  createHook(): string {
    const part = () => Math.random().toString(36).slice(2, 12).toUpperCase();
    const path = `/services/T${part()}/B${part()}/${part()}${part()}`;
    this.hooks.set(path, 'ok');
    return `${this.base}${path}`;
  }

  /** Puts a hook in a state (archived channel, revoked, …). */
  setHook(url: string, state: SlackHookState): void {
    this.hooks.set(new URL(url).pathname, state);
  }

  messagesTo(url: string): SlackMessage[] {
    const path = new URL(url).pathname;
    return this.messages.filter((m) => m.hook === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
