// Wording of the customers list and the customer card: pure, so it is unit-tested beside the rest of the dashboard.

export const CUSTOMER_SORTS = [
  { value: 'last_order', label: 'Last order' },
  { value: 'total_spent', label: 'Total spent' },
  { value: 'orders', label: 'Number of orders' },
] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number]['value'];
export type SortDirection = 'asc' | 'desc';

export function customerSortOf(value: string | null): CustomerSort {
  return CUSTOMER_SORTS.some((s) => s.value === value) ? (value as CustomerSort) : 'last_order';
}

export function directionOf(value: string | null): SortDirection {
  return value === 'asc' ? 'asc' : 'desc';
}

/** "Jane Doe", or the email when the platform sent no name. */
export function customerName(c: { firstName: string | null; lastName: string | null; email: string }): string {
  const name = [c.firstName, c.lastName].filter((part) => part && part.trim()).join(' ');
  return name || c.email;
}

/** "every 15 days", "every 0.5 days", "—" without a frequency. */
export function formatFrequency(days: number | null | undefined): string {
  if (days === null || days === undefined) return '—';
  const rounded = days >= 10 ? Math.round(days) : Math.round(days * 10) / 10;
  return `every ${rounded} ${rounded === 1 ? 'day' : 'days'}`;
}

const SOURCES: Record<string, string> = {
  merchant: 'by the store',
  unsubscribe_link: 'by the customer (unsubscribe link)',
  postmark: 'by Postmark',
  profile_page: 'by the customer (profile page)',
  platform: 'by the store platform',
};

export function subscriptionSourceLabel(source: string | null): string {
  return (source && SOURCES[source]) || source || '';
}

/** Skip reasons as the logs word them (retention.activities' SkipReason codes). */
const SKIP_REASONS: Record<string, string> = {
  rule_inactive: 'the rule was not active',
  unsubscribed: 'the customer had unsubscribed',
  suppressed: 'the address is suppressed (bounce or complaint)',
  not_opted_in: 'the customer had not opted in',
  not_registered: 'the customer is a guest',
  can_spam_incomplete: 'the store information was incomplete',
  smart_sending: 'smart sending (another email was sent recently)',
  newer_purchase: 'the customer bought again',
};

export interface TimelineEntryText {
  title: string;
  detail: string | null;
}

const SEGMENT_CAUSES: Record<string, string> = {
  transaction: 'after an order or a change to the customer',
  time: 'as time passed',
  definition: 'when the segment was created or edited',
};

/** One timeline entry in words. */
export function timelineText(e: {
  kind: string;
  ruleName: string | null;
  subject: string | null;
  orderNumber: string | null;
  reason: string | null;
  url: string | null;
  source: string | null;
  actor: string | null;
  segmentName?: string | null;
}): TimelineEntryText {
  const rule = e.ruleName ? `“${e.ruleName}”` : 'a workflow';
  const subject = e.subject ? `“${e.subject}”` : null;
  switch (e.kind) {
    case 'retention_armed':
      return { title: `Retention cycle armed for ${rule}`, detail: e.orderNumber ? `by order ${e.orderNumber}` : null };
    case 'retention_revoked':
      return { title: `Retention cycle revoked for ${rule}`, detail: e.orderNumber ? `order ${e.orderNumber} was cancelled or refunded` : null };
    case 'message_sent':
      return { title: `Message sent by ${rule}`, detail: subject };
    case 'message_skipped':
      return { title: `Message skipped by ${rule}`, detail: e.reason ? `because ${SKIP_REASONS[e.reason] ?? e.reason}` : null };
    case 'message_failed':
      return { title: `Message failed in ${rule}`, detail: e.reason };
    case 'message_opened':
      return { title: 'Message opened', detail: subject };
    case 'message_clicked':
      return { title: 'Link clicked', detail: e.url };
    case 'message_bounced':
      return { title: 'Message bounced', detail: subject };
    case 'spam_complaint':
      return { title: 'Marked as spam', detail: subject };
    case 'conversion':
      return { title: `Conversion from ${rule}`, detail: e.orderNumber ? `order ${e.orderNumber}` : null };
    case 'subscribed':
    case 'unsubscribed': {
      const who = [subscriptionSourceLabel(e.source), e.actor ? `(${e.actor})` : null].filter(Boolean).join(' ');
      return { title: `${e.kind === 'subscribed' ? 'Resubscribed' : 'Unsubscribed'} ${who}`.trim(), detail: e.reason };
    }
    case 'segment_entered':
    case 'segment_left':
      return {
        title: `${e.kind === 'segment_entered' ? 'Entered' : 'Left'} segment “${e.segmentName ?? 'a segment'}”`,
        detail: e.reason ? (SEGMENT_CAUSES[e.reason] ?? e.reason) : null,
      };
    default:
      return { title: e.kind, detail: null };
  }
}
