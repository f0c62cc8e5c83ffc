import { formatDateTime, formatWindow } from './format.js';

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
