import { dayRangeToInstants, logKindOf, parsePages, skipReason, temporalRunUrl, wholeDays } from './rule-format.js';

describe('retention formatting', () => {
  it('turns picked days into the instants of the store time zone, the end day included', () => {
    expect(dayRangeToInstants('2026-11-01', '2026-11-02', 'America/New_York')).toEqual({
      from: '2026-11-01T04:00:00.000Z',
      to: '2026-11-03T05:00:00.000Z',
    });
    expect(dayRangeToInstants('2026-13-40', '', 'UTC')).toEqual({});
    expect(dayRangeToInstants(null, '2026-01-31', 'UTC')).toEqual({ to: '2026-02-01T00:00:00.000Z' });
  });

  it('keeps only cursors the api could have written in the page trail', () => {
    expect(parsePages('abc_-1.def')).toEqual(['abc_-1', 'def']);
    expect(parsePages('ok.<script>.')).toEqual(['ok']);
    expect(parsePages(null)).toEqual([]);
  });

  it('links a run in the Temporal UI with its id encoded', () => {
    expect(temporalRunUrl('http://localhost:8233', 'default', 'retention/s1/r1/c1')).toBe(
      'http://localhost:8233/namespaces/default/workflows/retention%2Fs1%2Fr1%2Fc1',
    );
  });

  it('names windows, tabs and reasons', () => {
    expect(wholeDays(30 * 86_400)).toBe(30);
    expect(wholeDays(20)).toBeNull();
    expect(logKindOf('sent')).toBe('sent');
    expect(logKindOf('bogus')).toBe('pending');
    expect(skipReason('some_new_reason')).toBe('some new reason');
    expect(skipReason(null)).toBe('—');
  });
});
