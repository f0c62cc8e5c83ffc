import { defaultPayloadConverter } from '@temporalio/common';
import { snapshotBeforeFirstTask, type HistoryReader } from './delayed-snapshot.js';

const payloads = (value: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(value)] });
const started = (input: unknown) => ({ workflowExecutionStartedEventAttributes: { input: payloads(input) } });
const signalled = (signalName: string, arg: unknown) => ({ workflowExecutionSignaledEventAttributes: { signalName, input: payloads(arg) } });
const input = { storeId: 's', ruleId: 'r', customerId: 'c', email: 'a@x.example', windowSeconds: 3600, startState: 'armed' };

describe('snapshot of a workflow the server still holds', () => {
  it('counts the window from the latest purchase it was started with', () => {
    const history: HistoryReader = {
      events: [started(input), signalled('purchase', { orderId: 'o-2', purchasedAt: '2026-11-20T10:00:00.000Z' }), signalled('purchase', { orderId: 'o-1', purchasedAt: '2026-11-19T10:00:00.000Z' })],
    };
    expect(snapshotBeforeFirstTask(history, defaultPayloadConverter)).toEqual({
      state: 'armed',
      cycle: 1,
      windowSeconds: 3600,
      nextSendAt: '2026-11-20T11:00:00.000Z',
      lastPurchase: { orderId: 'o-2', purchasedAt: '2026-11-20T10:00:00.000Z' },
      lastMessage: null,
    });
  });

  it('applies rule changes and refunds the way the workflow will', () => {
    const history: HistoryReader = {
      events: [
        started(input),
        signalled('ruleChanged', { windowSeconds: 60, purchases: [{ orderId: 'o-9', purchasedAt: '2026-11-20T10:00:00.000Z' }], status: 'paused' }),
      ],
    };
    expect(snapshotBeforeFirstTask(history, defaultPayloadConverter)).toMatchObject({ state: 'paused', windowSeconds: 60, nextSendAt: '2026-11-20T10:01:00.000Z' });
    history.events!.push(signalled('revokePurchase', { orderId: 'o-9' }));
    expect(snapshotBeforeFirstTask(history, defaultPayloadConverter)).toMatchObject({ state: 'waiting', nextSendAt: null, lastPurchase: null });
  });

  it('declines once the workflow has run a task (the query answers then)', () => {
    const history = { events: [started(input), {}] } as HistoryReader;
    expect(snapshotBeforeFirstTask(history, defaultPayloadConverter)).toBeNull();
  });
});
