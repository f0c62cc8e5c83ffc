import { countries, supportedValues } from './store-settings.js';

/** Options of the locale selects, computed once per process (the lists come from the runtime's Intl data). */
let cached: { currencies: Opt[]; timeZones: Opt[]; countries: Opt[] } | null = null;
type Opt = { value: string; label: string };

export function localeOptions() {
  if (cached) return cached;
  const currencyNames = new Intl.DisplayNames(['en'], { type: 'currency' });
  cached = {
    currencies: supportedValues('currency').map((code) => ({ value: code, label: `${code} — ${currencyNames.of(code) ?? code}` })),
    timeZones: supportedValues('timeZone').map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') })),
    // Stored as the country's name: it is printed as is in the CAN-SPAM footer of every email.
    countries: countries().map((c) => ({ value: c.name, label: c.name })),
  };
  return cached;
}
