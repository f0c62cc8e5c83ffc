import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as a receiver saw it: header names lowercased, body bytes untouched (the port's ReceivedWebhook). */
export interface CapturedWebhook {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/**
 * A loopback address that answers 200 to every webhook and keeps it, for specs of registration and delivery. A spec
 * can make it fail: `failNext` requests (or every one while `status` is not 2xx) get that status and are not kept.
 */
export class WebhookReceiver {
  readonly received: CapturedWebhook[] = [];
  /** Requests seen, kept or refused. */
  hits = 0;
  /** The answer to every request (a failure is not kept). */
  status = 200;
  /** This many next requests are answered 500 (and not kept) whatever `status` says. */
  failNext = 0;
  private server?: Server;

  /** Starts on a free port; returns the delivery address (`path` appended). */
  async start(path = '/webhooks'): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.hits++;
        const status = this.failNext > 0 ? 500 : this.status;
        this.failNext = Math.max(0, this.failNext - 1);
        if (status >= 300) {
          res.writeHead(status, { 'content-type': 'text/plain' }).end('receiver is down');
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
        this.received.push({ headers, rawBody: Buffer.concat(chunks) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
