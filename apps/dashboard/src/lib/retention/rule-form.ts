// Form data of the retention steps → the api's rule bodies. Pure, so the mapping is unit-tested.

export interface SettingsValues {
  name: string;
  sendingFilter: string;
  skus: string[];
  windowDays: string;
  window: string;
  attributionWindowDays: string;
  /** The audience: a segment's id, or '' for every customer; absent when the form has no audience field. */
  segmentId?: string;
}

export interface MessageValues {
  senderName: string;
  senderEmail: string;
  subject: string;
  bodyHtml: string;
}

const str = (form: FormData, key: string) => {
  const v = form.get(key);
  return typeof v === 'string' ? v : '';
};

export function readSettings(form: FormData): SettingsValues {
  // `skusText`: the picker's fallback without JavaScript, one comma-separated field.
  const skus = [...form.getAll('skus'), ...str(form, 'skusText').split(',')]
    .filter((v): v is string => typeof v === 'string')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    name: str(form, 'name').trim(),
    sendingFilter: str(form, 'sendingFilter') || 'all',
    skus: [...new Set(skus)],
    windowDays: str(form, 'windowDays').trim(),
    window: str(form, 'window').trim(),
    attributionWindowDays: str(form, 'attributionWindowDays').trim(),
    ...(form.has('segmentId') && { segmentId: str(form, 'segmentId') }),
  };
}

/** A number field as the api should judge it: digits become a number, anything else goes as typed (the api names it). */
function numberOrRaw(value: string): number | string | undefined {
  if (value === '') return undefined;
  return /^\d{1,9}$/.test(value) ? Number(value) : value;
}

/**
 * The rule fields of step 1. The short window (an ISO-8601 duration, for tests and demos) wins over days when given,
 * since the api refuses both at once. With neither, a new rule leaves the days out (the api says they are required)
 * and an edit sends null (left out, the api would keep the old window without a word).
 */
export function settingsBody(v: SettingsValues, { create = false } = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { name: v.name, sendingFilter: v.sendingFilter, skus: v.skus };
  const days = numberOrRaw(v.windowDays);
  if (v.window) body.window = v.window;
  else if (days !== undefined || !create) body.windowDays = days ?? null;
  const attribution = numberOrRaw(v.attributionWindowDays);
  if (attribution !== undefined) body.attributionWindowDays = attribution;
  if (v.segmentId !== undefined) body.segmentId = v.segmentId || null;
  return body;
}

export function readMessage(form: FormData): MessageValues {
  return {
    senderName: str(form, 'senderName').trim(),
    senderEmail: str(form, 'senderEmail').trim(),
    subject: str(form, 'subject'),
    bodyHtml: str(form, 'bodyHtml'),
  };
}

/**
 * The api's issue paths as the form's field names: `skus.3` is the products picker, a missing window in days is
 * the days input, and a CAN-SPAM field of the store stays as it is for the step that lists them.
 */
export function formFieldOf(field: string): string {
  if (field.startsWith('skus')) return 'skus';
  return field;
}

export function formErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) out[formFieldOf(field)] ??= message;
  return out;
}
