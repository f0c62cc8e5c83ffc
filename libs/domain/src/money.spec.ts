import { currencyDigits, fromMinorUnits, isCurrency, toDecimalString, toMinorUnits } from './money.js';

describe('money', () => {
  it('converts the decimal the sender wrote, not its float approximation', () => {
    expect(toMinorUnits(toDecimalString(1.005)!, 'USD')).toBe(101);
    expect(toMinorUnits(toDecimalString('1.005')!, 'USD')).toBe(101);
    expect(toMinorUnits(toDecimalString(18.5)!, 'USD')).toBe(1850);
    expect(toMinorUnits(toDecimalString(0.1 + 0.2)!, 'USD')).toBe(30);
    expect(toMinorUnits(toDecimalString(45)!, 'USD')).toBe(4500);
    expect(toMinorUnits(toDecimalString(1e-7)!, 'USD')).toBe(0);
  });

  it('rounds half-up past the minor unit', () => {
    expect(toMinorUnits('3.3349', 'USD')).toBe(333);
    expect(toMinorUnits('3.335', 'USD')).toBe(334);
    expect(toMinorUnits('0.994', 'USD')).toBe(99);
    expect(toMinorUnits('0.995', 'USD')).toBe(100);
  });

  it('uses each currency\'s own minor unit', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('BHD')).toBe(3);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1500.5', 'JPY')).toBe(1501);
    expect(toMinorUnits('1.2345', 'BHD')).toBe(1235);
    expect(fromMinorUnits(1235, 'BHD')).toBe(1.235);
    expect(fromMinorUnits(1500, 'JPY')).toBe(1500);
  });

  it.each([1e17, 1e308, 1e12, -1, Number.NaN, Infinity, '1e3', '-1', '1.', '.5', '', ' ', '0x10', '1'.repeat(60)])(
    'refuses %p as an amount',
    (value) => {
      expect(toDecimalString(value as number | string)).toBeNull();
    },
  );

  it('keeps the largest accepted amount exact in every currency', () => {
    const max = toDecimalString('999999999999.999')!;
    expect(toMinorUnits(max, 'BHD')).toBe(999_999_999_999_999);
    expect(Number.isSafeInteger(toMinorUnits(max, 'BHD'))).toBe(true);
  });

  it('knows ISO 4217 codes and nothing else', () => {
    expect(['USD', 'EUR', 'JPY', 'BHD', 'CHF'].every(isCurrency)).toBe(true);
    expect(['ZZZ', 'BTC', 'usd', 'US', 'XAU'].some(isCurrency)).toBe(false);
  });
});
