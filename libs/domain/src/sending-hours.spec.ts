import { inSendingHours, localHour, nextSendingTime } from './sending-hours.js';

describe('sending hours', () => {
  it('reads the wall-clock hour of the store time zone', () => {
    expect(localHour(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(8);
    expect(localHour(new Date('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe(17);
  });

  it('handles windows that wrap past midnight', () => {
    expect(inSendingHours(23, 20, 6)).toBe(true);
    expect(inSendingHours(12, 20, 6)).toBe(false);
    expect(inSendingHours(9, 9, 17)).toBe(true);
    expect(inSendingHours(17, 9, 17)).toBe(false);
  });

  it('moves a send at 22:10 New York time to 09:00 the next morning', () => {
    const at = new Date('2026-07-02T02:10:00Z'); // 22:10 EDT on July 1st
    expect(nextSendingTime(at, 'America/New_York', 9, 21).toISOString()).toBe('2026-07-02T13:00:00.000Z');
  });

  it('keeps a send that is already inside the window, and any time without a window', () => {
    const at = new Date('2026-07-01T15:00:00Z');
    expect(nextSendingTime(at, 'America/New_York', 9, 21)).toEqual(at);
    expect(nextSendingTime(at, 'UTC', null, null)).toEqual(at);
  });

  it('lands on the local hour in a half-hour zone', () => {
    const at = new Date('2026-07-01T00:00:00Z'); // 05:30 in Kolkata
    expect(nextSendingTime(at, 'Asia/Kolkata', 9, 18).toISOString()).toBe('2026-07-01T03:30:00.000Z');
  });
});
