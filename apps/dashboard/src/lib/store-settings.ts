// Names and choices for the store settings screens (pure, shared by the pages and their specs).

const CAN_SPAM_LABELS: Record<string, string> = {
  companyName: 'Company',
  street: 'Street',
  city: 'City',
  region: 'State/Province',
  postalCode: 'Zip',
  country: 'Country',
  phone: 'Phone',
};

/** `postalCode` → "Zip": the api names the missing CAN-SPAM fields, the form shows their labels. */
export function canSpamFieldLabel(field: string): string {
  return CAN_SPAM_LABELS[field] ?? field;
}

/** The social networks a store may link (libs/stores SOCIAL_NETWORKS), in the order the form shows them. */
export const SOCIAL_NETWORKS = [
  { key: 'website', label: 'Website' },
  { key: 'facebook', label: 'Facebook' },
  { key: 'instagram', label: 'Instagram' },
  { key: 'x', label: 'X (Twitter)' },
  { key: 'pinterest', label: 'Pinterest' },
  { key: 'youtube', label: 'YouTube' },
  { key: 'tiktok', label: 'TikTok' },
  { key: 'linkedin', label: 'LinkedIn' },
] as const;

/** Form text → api value: trimmed, and empty means "clear it" (null). */
export function optionalText(value: FormDataEntryValue | null): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? null : text;
}

/** An hour 0–23 from a select, or undefined when the value is not one (the api then names the field). */
export function hourValue(value: FormDataEntryValue | null): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,2}$/.test(value)) return undefined;
  return Number(value);
}

/** The IANA time zones, currencies and regions the runtime knows, for the locale selects. */
export function supportedValues(key: 'timeZone' | 'currency'): string[] {
  try {
    const values = Intl.supportedValuesOf(key);
    // V8 lists only geographic zones; UTC (the api's default) must be choosable too.
    return key === 'timeZone' && !values.includes('UTC') ? ['UTC', ...values] : values;
  } catch {
    return key === 'timeZone' ? ['UTC'] : ['USD', 'EUR'];
  }
}

/** ISO 3166 country codes with English names, from Intl.DisplayNames (no list of our own to keep up to date). */
export function countries(): { code: string; name: string }[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const out: { code: string; name: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      // Unassigned codes fall back to nothing; macro-regions (e.g. "EU", "UN") are not countries.
      // Retired codes (UK, SU, DD…) name a country twice: the name is what is stored, so once is enough.
      if (name && name !== code && !['EU', 'EZ', 'UN', 'XA', 'XB', 'QO', 'ZZ'].includes(code) && !out.some((c) => c.name === name)) {
        out.push({ code, name });
      }
    }
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}
