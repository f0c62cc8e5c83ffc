import { formatDateTime, formatMoney, formatSendingHours, formatWindow, safeNextPath, trialLabel } from './format.js';

describe('formatWindow', () => {
  it('uses the largest unit that divides the window evenly', () => {
    expect(formatWindow(30 * 86_400)).toBe('30 days');
    expect(formatWindow(2 * 3_600)).toBe('2 hours');
    expect(formatWindow(5_400)).toBe('90 minutes');
    expect(formatWindow(10)).toBe('10 seconds');
    expect(formatWindow(90)).toBe('90 seconds');
  });

  it('uses the singular for one unit', () => {
    expect(formatWindow(86_400)).toBe('1 day');
    expect(formatWindow(1)).toBe('1 second');
  });

  it('shows zero as seconds and rejects nonsense', () => {
    expect(formatWindow(0)).toBe('0 seconds');
    expect(formatWindow(-5)).toBe('—');
    expect(formatWindow(1.5)).toBe('—');
    expect(formatWindow(Number.NaN)).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('formats ISO timestamps in UTC by default', () => {
    expect(formatDateTime('2026-11-22T10:56:07.123Z')).toBe('2026-11-22 10:56 UTC');
    expect(formatDateTime(new Date('2026-01-02T03:04:00Z'))).toBe('2026-01-02 03:04 UTC');
  });

  it("formats in the store's time zone when given one", () => {
    expect(formatDateTime('2026-11-22T23:30:00Z', 'Europe/Paris')).toBe('2026-11-23 00:30 Europe/Paris');
  });

  it('falls back to UTC for an unknown time zone', () => {
    expect(formatDateTime('2026-11-22T10:56:00Z', 'Mars/Olympus_Mons')).toBe('2026-11-22 10:56 UTC');
  });

  it('shows a dash for missing or invalid values', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatDateTime('')).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });
});

describe('formatMoney', () => {
  it('formats major units in the store currency', () => {
    expect(formatMoney(12.5, 'EUR')).toBe('€12.50');
    expect(formatMoney(1234, 'USD')).toBe('$1,234.00');
  });

  it('divides minor units by the currency’s own decimals', () => {
    expect(formatMoney(1250, 'USD', { minor: true })).toBe('$12.50');
    expect(formatMoney(1250, 'JPY', { minor: true })).toBe('¥1,250');
  });

  it('shows a dash for no amount and survives an unknown code', () => {
    expect(formatMoney(null, 'USD')).toBe('—');
    expect(formatMoney(Number.NaN, 'USD')).toBe('—');
    expect(formatMoney(3, 'nope')).toBe('3.00 nope');
  });
});

describe('trialLabel', () => {
  it('counts the days left, says when it ended, and says nothing without a trial', () => {
    expect(trialLabel({ daysLeft: 23, active: true })).toBe('Free trial: 23 days left');
    expect(trialLabel({ daysLeft: 1, active: true })).toBe('Free trial: 1 day left');
    expect(trialLabel({ daysLeft: 0, active: true })).toBe('Free trial: last day');
    expect(trialLabel({ daysLeft: 0, active: false })).toBe('Trial ended');
    expect(trialLabel(null)).toBeNull();
  });
});

describe('safeNextPath', () => {
  it('keeps a local path with its query', () => {
    expect(safeNextPath('/stores/abc/settings?tab=logo')).toBe('/stores/abc/settings?tab=logo');
  });

  it('refuses other sites and odd paths', () => {
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', '', null, undefined]) {
      expect(safeNextPath(next)).toBe('/stores');
    }
  });
});

describe('formatSendingHours', () => {
  it('shows a window or any time', () => {
    expect(formatSendingHours({ start: 8, end: 20 })).toBe('08:00–20:00');
    expect(formatSendingHours(null)).toBe('any time');
  });
});
