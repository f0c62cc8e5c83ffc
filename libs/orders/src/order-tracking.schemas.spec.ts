import { addTrackingSchema } from './order-tracking.schemas.js';

const fieldsOf = (body: unknown) => {
  const result = addTrackingSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.') || '(body)').sort();
};

describe('addTrackingSchema', () => {
  it('takes a carrier as typed and the number without its spaces', () => {
    expect(addTrackingSchema.parse({ carrier: '  Bob’s Couriers ', number: '1Z 999 AA1 01 2345 6784' })).toEqual({ carrier: 'Bob’s Couriers', number: '1Z999AA10123456784' });
    expect(addTrackingSchema.parse({ carrier: 'DHL Express', number: 'LX-1234/5.6_7', url: 'https://dhl.example/t?n=1' })).toMatchObject({ number: 'LX-1234/5.6_7', url: 'https://dhl.example/t?n=1' });
  });

  it('names each bad field', () => {
    expect(fieldsOf({ carrier: '', number: '1' })).toEqual(['carrier']);
    expect(fieldsOf({ carrier: 'UPS\u0007', number: '1' })).toEqual(['carrier']);
    expect(fieldsOf({ carrier: '<b>UPS</b>', number: '1' })).toEqual(['carrier']);
    expect(fieldsOf({ carrier: 'UPS', number: '-1Z' })).toEqual(['number']);
    expect(fieldsOf({ carrier: 'UPS', number: '1Z"; drop' })).toEqual(['number']);
    // 40 characters once the spaces are gone is the most; spaces do not count.
    expect(fieldsOf({ carrier: 'UPS', number: 'A'.repeat(20) + ' ' + 'B'.repeat(20) })).toEqual([]);
    expect(fieldsOf({ carrier: 'UPS', number: 'A'.repeat(41) })).toEqual(['number']);
    expect(fieldsOf({ carrier: 'UPS', number: '1', url: 'ftp://x.example/' })).toEqual(['url']);
    expect(fieldsOf({ carrier: 'UPS', number: '1', extra: 1 })).toEqual(['(body)']);
  });
});
