import { canSpamFieldLabel, countries, hourValue, optionalText, supportedValues } from './store-settings.js';

describe('store settings helpers', () => {
  it('names the missing CAN-SPAM fields as the form labels them', () => {
    expect(['companyName', 'postalCode', 'region'].map(canSpamFieldLabel)).toEqual(['Company', 'Zip', 'State/Province']);
  });

  it('turns blank text into null (clear) and trims the rest', () => {
    expect(optionalText('  ')).toBeNull();
    expect(optionalText(null)).toBeNull();
    expect(optionalText(' Main St 1 ')).toBe('Main St 1');
  });

  it('reads an hour from a select or nothing', () => {
    expect(hourValue('0')).toBe(0);
    expect(hourValue('23')).toBe(23);
    expect(hourValue('')).toBeUndefined();
    expect(hourValue('8am')).toBeUndefined();
  });

  it('offers UTC among the time zones and real countries only', () => {
    expect(supportedValues('timeZone')).toContain('UTC');
    expect(supportedValues('timeZone')).toContain('Europe/Paris');
    const names = countries().map((c) => c.name);
    expect(names).toContain('United States');
    expect(names).not.toContain('European Union');
    expect(new Set(names).size).toBe(names.length);
  });
});
