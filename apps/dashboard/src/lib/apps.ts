/** Apps (Slack, Mailchimp) as the merchant reads them; the api lists the kinds, this words them and converts amounts. */
export const APP_INFO: Record<string, { name: string; blurb: string }> = {
  slack: { name: 'Slack', blurb: 'A message in a channel for each order above an amount you pick, and for each win-back conversion.' },
  mailchimp: { name: 'Mailchimp', blurb: 'Keeps a Mailchimp audience in step: customers who subscribe are added, those who unsubscribe are unsubscribed.' },
};

export const appName = (kind: string) => APP_INFO[kind]?.name ?? kind;

function digits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "100", "100.5" or "1,000.00" in the currency's major unit → minor units; null when it is not such an amount. */
export function toMinorUnits(value: string, currency: string): number | null {
  const plain = value.trim().replace(/,/g, '');
  const d = digits(currency);
  const pattern = d === 0 ? /^\d{1,12}$/ : new RegExp(`^\\d{1,12}(\\.\\d{1,${d}})?$`);
  if (!pattern.test(plain)) return null;
  const [whole, fraction = ''] = plain.split('.');
  return Number(whole) * 10 ** d + Number(fraction.padEnd(d, '0') || '0');
}

/** Minor units → the amount as typed in the form ("100.00"). */
export function fromMinorUnits(minor: number, currency: string): string {
  const d = digits(currency);
  return (minor / 10 ** d).toFixed(d);
}

export interface AppFormValues {
  webhookUrl: string;
  threshold: string;
  notifyConversions: boolean;
  apiKey: string;
  listId: string;
  description: string;
}

/**
 * The app's config from its form. Secret fields left empty are left out (an update keeps them); a threshold that is
 * not an amount is reported under the api's field name so the form shows it beside the field.
 */
export function appConfigFromForm(kind: string, form: FormData, currency: string): { config: Record<string, unknown>; values: AppFormValues; error: Record<string, string> | null } {
  const get = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  const values: AppFormValues = {
    webhookUrl: get('webhookUrl'),
    threshold: get('threshold'),
    notifyConversions: form.get('notifyConversions') === 'on',
    apiKey: get('apiKey'),
    listId: get('listId'),
    description: get('description'),
  };
  if (kind === 'slack') {
    const minor = toMinorUnits(values.threshold || '0', currency);
    if (minor === null) return { config: {}, values, error: { 'config.orderThresholdMinor': `must be an amount in ${currency}, e.g. 100 or 99.50` } };
    return { config: { ...(values.webhookUrl ? { webhookUrl: values.webhookUrl } : {}), orderThresholdMinor: minor, notifyConversions: values.notifyConversions }, values, error: null };
  }
  return { config: { ...(values.apiKey ? { apiKey: values.apiKey } : {}), listId: values.listId }, values, error: null };
}
