import { appName, fromMinorUnits, toMinorUnits } from './apps.js';

describe('app amounts', () => {
  it('reads an amount in the currency’s major unit as minor units', () => {
    expect(toMinorUnits('100', 'USD')).toBe(10_000);
    expect(toMinorUnits(' 1,250.5 ', 'EUR')).toBe(125_050);
    expect(toMinorUnits('0.07', 'USD')).toBe(7);
    expect(toMinorUnits('5000', 'JPY')).toBe(5_000);
  });

  it('refuses what is not an amount of that currency', () => {
    expect(toMinorUnits('', 'USD')).toBeNull();
    expect(toMinorUnits('-5', 'USD')).toBeNull();
    expect(toMinorUnits('1.234', 'USD')).toBeNull();
    expect(toMinorUnits('10.5', 'JPY')).toBeNull();
    expect(toMinorUnits('ten', 'USD')).toBeNull();
  });

  it('writes minor units back as the form shows them', () => {
    expect(fromMinorUnits(10_000, 'USD')).toBe('100.00');
    expect(fromMinorUnits(5_000, 'JPY')).toBe('5000');
    expect(appName('slack')).toBe('Slack');
  });
});
