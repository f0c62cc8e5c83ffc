import { formatWindow, parseIsoDuration } from './duration.js';
import { ValidationError } from './errors.js';

describe('parseIsoDuration', () => {
  it.each([
    ['P30D', 30 * 86_400],
    ['PT10S', 10],
    ['P1W', 604_800],
    ['P1DT2H3M4S', 86_400 + 7_200 + 180 + 4],
  ])('parses %s', (text, seconds) => {
    expect(parseIsoDuration(text)).toBe(seconds);
  });

  it.each(['30', 'P', 'PT', 'P1Y', '1D', 'PT-5S'])('rejects %s naming the field', (text) => {
    expect(() => parseIsoDuration(text, 'rule.window')).toThrow(ValidationError);
    expect(() => parseIsoDuration(text, 'rule.window')).toThrow(/rule\.window/);
  });

  it('formats whole days as days and the rest as seconds', () => {
    expect(formatWindow(60 * 86_400)).toBe('P60D');
    expect(formatWindow(5)).toBe('PT5S');
  });
});
