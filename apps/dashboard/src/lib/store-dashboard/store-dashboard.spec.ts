import { changeLabel, dayLabel } from './store-dashboard.js';

describe('store dashboard labels', () => {
  it('says how new customers changed against the 30 days before', () => {
    expect(changeLabel(0, 0)).toBeNull();
    expect(changeLabel(3, 0)).toBe('new');
    expect(changeLabel(5, 4)).toBe('+25%');
    expect(changeLabel(3, 4)).toBe('−25%');
    expect(changeLabel(4, 4)).toBe('±0%');
  });

  it('names a calendar day without shifting it to the browser\'s time zone', () => {
    expect(dayLabel('2026-11-23')).toBe('Mon 23');
    expect(dayLabel('2026-11-01')).toBe('Sun 1');
  });
});
