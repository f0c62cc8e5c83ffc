import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, isPublicAddress, literalAddress, RefusedAddressError } from './address-guard.js';

export interface WebhookSenderOptions {
  /** Loopback and private receivers (tests, development); never in production. */
  allowPrivateAddresses: boolean;
  /** Per attempt, connection to last byte. */
  timeoutMs: number;
}

export interface WebhookMessage {
  /** `webhook-id`: the same on every attempt and resend of one event to one endpoint. */
  id: string;
  timestamp: Date;
  body: string;
}

export interface WebhookSendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** The receiver's answer body we keep for the log, at most. */
const KEPT_BODY = 500;

/**
 * Posts one signed event (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` from the
 * `standardwebhooks` library) and reports the outcome; it never throws. Only a 2xx counts as delivered; redirects
 * are not followed. Connections are kept alive per origin.
 */
export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly lookup;

  constructor(private readonly options: WebhookSenderOptions) {
    this.lookup = guardedLookup(options.allowPrivateAddresses);
    this.agents = { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new https.Agent({ keepAlive: true, maxSockets: 8 }) };
  }

  /** Standard Webhooks headers for a message, signed with the endpoint's `whsec_…` secret. */
  static headers(secret: string, message: WebhookMessage): Record<string, string> {
    return {
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(message.id, message.timestamp, message.body),
    };
  }

  async send(target: string, secret: string, message: WebhookMessage): Promise<WebhookSendResult> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { ok: false, statusCode: null, error: 'the endpoint URL does not parse', durationMs: 0 };
    }
    const literal = literalAddress(url.hostname);
    if (literal && !this.options.allowPrivateAddresses && !isPublicAddress(literal)) {
      return { ok: false, statusCode: null, error: new RefusedAddressError(url.hostname, literal).message, durationMs: 0 };
    }
    const body = Buffer.from(message.body);
    const secure = url.protocol === 'https:';
    return new Promise<WebhookSendResult>((resolve) => {
      let settled = false;
      const done = (result: Omit<WebhookSendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        resolve({ ...result, durationMs: took() });
      };
      const req = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          lookup: this.lookup,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'user-agent': 'Boomerang-Webhooks/1.0',
            ...WebhookSender.headers(secret, message),
          },
          timeout: this.options.timeoutMs,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let kept = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (kept.length < KEPT_BODY) kept += chunk.slice(0, KEPT_BODY - kept.length);
          });
          res.on('end', () =>
            done(status >= 200 && status < 300 ? { ok: true, statusCode: status, error: null } : { ok: false, statusCode: status, error: `answered ${status}${kept ? `: ${kept.trim()}` : ''}` }),
          );
          res.on('error', (err) => done({ ok: false, statusCode: status, error: err.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', (err) => done({ ok: false, statusCode: null, error: err.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
