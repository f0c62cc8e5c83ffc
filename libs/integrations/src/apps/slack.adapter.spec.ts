import { SlackAdapter } from './slack.adapter.js';

const production = new SlackAdapter({ allowLoopback: false, timeoutMs: 1_000 });
const config = (webhookUrl: string) => ({ webhookUrl, orderThresholdMinor: 10_000, notifyConversions: true });
const event = (type: string, data: Record<string, unknown>) => ({ id: 'e1', type: type as never, payload: { type, timestamp: '2026-11-26T12:00:00Z', data } });

describe('SlackAdapter', () => {
  it('takes only Slack incoming webhook URLs in production, loopback ones only when allowed', () => {
    expect(production.configSchema.safeParse(config('https://hooks.slack.com/services/T0001/B0002/abcDEF123')).success).toBe(true);
    for (const url of ['http://hooks.slack.com/services/T1/B2/c', 'https://hooks.slack.com.evil.example/services/T1/B2/c', 'https://hooks.slack.com/api/chat', 'https://hooks.slack.com:8443/services/T1/B2/c', 'http://127.0.0.1:9/services/T1/B2/c']) {
      expect(production.configSchema.safeParse(config(url)).success).toBe(false);
    }
    const tests = new SlackAdapter({ allowLoopback: true, timeoutMs: 1_000 });
    expect(tests.configSchema.safeParse(config('http://127.0.0.1:9/services/T1/B2/c')).success).toBe(true);
    expect(tests.configSchema.safeParse(config('http://10.0.0.1/services/T1/B2/c')).success).toBe(false);
  });

  it('shows the hook without its secret part and fans out only what it posts', () => {
    const split = production.split(config('https://hooks.slack.com/services/T0001/B0002/secretToken'));
    expect(split.target).toBe('https://hooks.slack.com/services/T0001/…');
    expect(split.eventTypes).toEqual(['order.created', 'conversion.recorded']);
    expect(production.split({ ...config('https://hooks.slack.com/services/T1/B2/c'), notifyConversions: false }).eventTypes).toEqual(['order.created']);
  });

  it('words orders at or above the threshold (escaping Slack markup) and skips the rest', () => {
    const settings = { orderThresholdMinor: 10_000, notifyConversions: true };
    const order = (totalMinor: number) => event('order.created', { order: { number: '1001', externalId: 'x', totalMinor, currency: 'EUR' }, customer: { email: 'a@b.c', firstName: '<Ann>', lastName: null } });
    expect(production.message(order(9_999), settings)).toBe('order total 99.99 EUR below the threshold (10000 minor units)');
    const message = production.message(order(10_000), settings) as { text: string; blocks: { fields?: { text: string }[] }[] };
    expect(message.text).toBe('New order #1001: 100.00 EUR from <Ann> (a@b.c)');
    expect(JSON.stringify(message.blocks)).toContain('&lt;Ann&gt;');
    expect(production.message(event('customer.subscribed', {}), settings)).toBe('customer.subscribed is not posted to Slack');
    expect(production.message(event('conversion.recorded', { conversion: { revenueMinor: 500, currency: 'JPY' }, customer: null }), settings)).toMatchObject({
      text: 'Win-back: a guest ordered again (500 JPY) after a Boomerang email',
    });
  });
});
