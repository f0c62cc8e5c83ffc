import { customerListQuerySchema, decodeListCursor, decodeTimelineCursor, encodeListCursor, encodeTimelineCursor, timelineQuerySchema } from './customer-queries.js';

const ID = '0b9d3c3e-4c1a-4d7e-9a55-2f5a3c7b1e10';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('customer query strings', () => {
  it('defaults to the newest last order, 25 a page', () => {
    expect(customerListQuerySchema.parse({})).toEqual({ sort: 'last_order', direction: 'desc', limit: 25 });
  });

  it('bounds the page size and the search term', () => {
    expect(customerListQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(customerListQuerySchema.safeParse({ limit: '100' }).success).toBe(true);
    expect(customerListQuerySchema.safeParse({ q: 'x'.repeat(101) }).success).toBe(false);
    expect(customerListQuerySchema.safeParse({ q: 'a\u0000b' }).success).toBe(false);
    expect(timelineQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
  });

  it('round-trips the cursors it writes', () => {
    const list = { sort: 'last_order', direction: 'desc', key: '2026-01-31T09:00:00.123456Z', id: ID } as const;
    expect(decodeListCursor(encodeListCursor(list))).toEqual(list);
    expect(decodeListCursor(encodeListCursor({ ...list, key: '-infinity' }))).toEqual({ ...list, key: '-infinity' });
    expect(decodeListCursor(encodeListCursor({ sort: 'total_spent', direction: 'asc', key: '123456', id: ID }))).not.toBeNull();
    const timeline = { at: '2026-01-31T09:00:00.000001Z', key: `m:${ID}` };
    expect(decodeTimelineCursor(encodeTimelineCursor(timeline))).toEqual(timeline);
  });

  it('refuses cursors whose values PostgreSQL could not take, so nothing unparseable reaches SQL', () => {
    expect(decodeListCursor('garbage')).toBeNull();
    expect(decodeListCursor(raw(['last_order', 'desc', '2026-02-30T00:00:00Z', ID]))).toBeNull();
    expect(decodeListCursor(raw(['last_order', 'desc', '0000-01-01T00:00:00Z', ID]))).toBeNull();
    expect(decodeListCursor(raw(['last_order', 'desc', '2026-01-01T25:00:00Z', ID]))).toBeNull();
    expect(decodeListCursor(raw(['orders', 'desc', '2147483648', ID]))).toBeNull();
    expect(decodeListCursor(raw(['orders', 'desc', '2147483647', ID]))).not.toBeNull();
    expect(decodeListCursor(raw(['total_spent', 'desc', '9999999999999999999', ID]))).toBeNull();
    expect(decodeListCursor(raw(['total_spent', 'desc', '1', 'not-a-uuid']))).toBeNull();
    expect(decodeListCursor(raw(['name', 'desc', '1', ID]))).toBeNull();
    expect(decodeTimelineCursor(raw(['-infinity', `m:${ID}`]))).toBeNull();
    expect(decodeTimelineCursor(raw(['2026-01-01T00:00:00Z', "m:' or 1=1"]))).toBeNull();
  });
});
