import { formErrors, readMessage, readSettings, settingsBody } from './rule-form.js';

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe('retention rule forms', () => {
  it('reads step 1 with chosen SKUs, trimmed and deduplicated', () => {
    const v = readSettings(
      form([
        ['name', '  Coffee refill '],
        ['sendingFilter', 'opted_in'],
        ['skus', 'COFFEE-1KG'],
        ['skus', ' COFFEE-1KG'],
        ['skus', 'TEA'],
        ['windowDays', '30'],
        ['attributionWindowDays', '5'],
      ]),
    );
    expect(v).toEqual({ name: 'Coffee refill', sendingFilter: 'opted_in', skus: ['COFFEE-1KG', 'TEA'], windowDays: '30', window: '', attributionWindowDays: '5' });
    expect(settingsBody(v)).toEqual({ name: 'Coffee refill', sendingFilter: 'opted_in', skus: ['COFFEE-1KG', 'TEA'], windowDays: 30, attributionWindowDays: 5 });
  });

  it('sends the audience segment, or null for every customer', () => {
    expect(settingsBody(readSettings(form([['name', 'x'], ['segmentId', 'seg-1']])), { create: true })).toEqual({ name: 'x', sendingFilter: 'all', skus: [], segmentId: 'seg-1' });
    expect(settingsBody(readSettings(form([['name', 'x'], ['segmentId', '']])), { create: true })).toEqual({ name: 'x', sendingFilter: 'all', skus: [], segmentId: null });
  });

  it('takes the SKUs typed without JavaScript as well', () => {
    expect(readSettings(form([['name', 'x'], ['skus', 'A'], ['skusText', ' B, A ,,C ']])).skus).toEqual(['A', 'B', 'C']);
  });

  it('sends the short window instead of days when one is given, and bad numbers as typed for the api to name', () => {
    const v = readSettings(form([['name', 'x'], ['windowDays', '30'], ['window', 'PT20S'], ['attributionWindowDays', 'ten']]));
    expect(settingsBody(v)).toEqual({ name: 'x', sendingFilter: 'all', skus: [], window: 'PT20S', attributionWindowDays: 'ten' });
  });

  it('a blanket rule has no SKUs; empty days are left out of a new rule and sent as null on an edit, so the api names them', () => {
    expect(settingsBody(readSettings(form([['name', 'x']])), { create: true })).toEqual({ name: 'x', sendingFilter: 'all', skus: [] });
    expect(settingsBody(readSettings(form([['name', 'x']])))).toEqual({ name: 'x', sendingFilter: 'all', skus: [], windowDays: null });
  });

  it('reads step 2 keeping the HTML as typed', () => {
    expect(readMessage(form([['senderName', ' Shop '], ['senderEmail', 'a@b.c '], ['subject', 'Hi '], ['bodyHtml', ' <p>x</p>']]))).toEqual({
      senderName: 'Shop',
      senderEmail: 'a@b.c',
      subject: 'Hi ',
      bodyHtml: ' <p>x</p>',
    });
  });

  it('maps api issue paths onto form fields, first message wins', () => {
    expect(formErrors({ 'skus.2': 'too long', 'skus.3': 'other', name: 'is required' })).toEqual({ skus: 'too long', name: 'is required' });
  });
});
