import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as a receiver saw it: header names lowercased, body bytes untouched (the port's ReceivedWebhook). */
export interface CapturedWebhook {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** A loopback address that answers 200 to every webhook and keeps it, for specs of registration and delivery. */
export class WebhookReceiver {
  readonly received: CapturedWebhook[] = [];
  private server?: Server;

  /** Starts on a free port; returns the delivery address (`path` appended). */
  async start(path = '/webhooks'): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
        this.received.push({ headers, rawBody: Buffer.concat(chunks) });
        res.writeHead(200).end();
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
