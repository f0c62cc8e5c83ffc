/**
 * A link or picture the dashboard may render as it is: an absolute http(s) URL, else null. Platforms' payloads carry
 * product, picture, admin and tracking URLs that no schema of ours checked (a `javascript:` one must not become a link).
 */
export function webUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname ? value : null;
  } catch {
    return null;
  }
}
