// Shapes of the Boomerang REST API (`/api/v1`) as the dashboard reads them. Timestamps are ISO-8601 strings.

export interface Store {
  id: string;
  name: string;
  platform: string;
  timezone: string;
  createdAt: string;
}

export interface Rule {
  id: string;
  name: string;
  status: string;
  sendingFilter: string;
  skus: string[];
  windowSeconds: number;
  /** ISO-8601 duration, e.g. "P30D". */
  window: string;
  senderName: string;
  senderEmail: string;
  subject: string;
  createdAt: string;
}

export interface PendingMessage {
  ruleId: string;
  ruleName: string;
  customerId: string;
  email: string;
  lastPurchaseAt: string;
  scheduledFor: string;
}

export type SentStatus = 'sent' | 'skipped' | 'failed';

export interface SentMessage {
  messageId: string;
  ruleId: string;
  ruleName: string;
  customerId: string;
  email: string;
  status: SentStatus;
  reason: string | null;
  subject: string | null;
  transport: string | null;
  dueAt: string;
  sentAt: string | null;
}

export interface OutboxSummary {
  id: string;
  messageId: string;
  to: string;
  from: string;
  subject: string;
  createdAt: string;
}

export interface OutboxEmail {
  id: string;
  toAddress: string;
  fromAddress: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string> | null;
  createdAt: string;
}
