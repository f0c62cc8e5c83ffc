import { orderEventTypes } from './webhook-events.js';

describe('orderEventTypes', () => {
  it('a new order is created, plus each state it arrives in', () => {
    expect(orderEventTypes(null, 'pending')).toEqual(['order.created']);
    expect(orderEventTypes(null, 'processing')).toEqual(['order.created', 'order.paid']);
    expect(orderEventTypes(null, 'shipped')).toEqual(['order.created', 'order.paid', 'order.fulfilled']);
    expect(orderEventTypes(null, 'cancelled')).toEqual(['order.created', 'order.cancelled']);
  });

  it('an update raises only the states newly reached', () => {
    expect(orderEventTypes('pending', 'processing')).toEqual(['order.updated', 'order.paid']);
    expect(orderEventTypes('processing', 'completed')).toEqual(['order.updated', 'order.fulfilled']);
    expect(orderEventTypes('completed', 'shipped')).toEqual(['order.updated']);
    expect(orderEventTypes('shipped', 'refunded')).toEqual(['order.updated', 'order.refunded']);
    expect(orderEventTypes('refunded', 'refunded')).toEqual(['order.updated']);
    expect(orderEventTypes('processing', 'cancelled')).toEqual(['order.updated', 'order.cancelled']);
  });
});
