import { rewriteLinks } from './render-message.js';

/** Google Analytics campaign tags our emails add to their links, so workflow traffic is attributed to them. */
export interface UtmTags {
  campaign: string;
  source?: string;
  medium?: string;
}

/** "Coffee refill (30 days)" → "coffee-refill-30-days": the rule or workflow as a campaign name. */
export function campaignSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'workflow';
}

/**
 * Adds utm_source, utm_medium and utm_campaign to an http(s) link, keeping its other parameters, its fragment and its
 * spelling; a utm_* the merchant wrote is never replaced.
 */
export function withUtm(url: string, tags: UtmTags): string {
  const hashAt = url.indexOf('#');
  const [base, hash] = hashAt === -1 ? [url, ''] : [url.slice(0, hashAt), url.slice(hashAt)];
  const queryAt = base.indexOf('?');
  const present = new URLSearchParams(queryAt === -1 ? '' : base.slice(queryAt + 1));
  const wanted: [string, string][] = [
    ['utm_source', tags.source ?? 'boomerang'],
    ['utm_medium', tags.medium ?? 'email'],
    ['utm_campaign', tags.campaign],
  ];
  const added = wanted.filter(([key]) => !present.has(key));
  if (added.length === 0) return url;
  const query = new URLSearchParams(added).toString();
  const joiner = queryAt === -1 ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${joiner}${query}${hash}`;
}

/** The host without a leading `www.`, lower case; null when not an http(s) URL. */
function siteHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) ? parsed.hostname.toLowerCase().replace(/^www\./, '') : null;
  } catch {
    return null;
  }
}

export interface UtmScope {
  /** The store's domain: only links to it (or its subdomains) are tagged; null tags every link. */
  storeDomain: string | null;
  /** Links never tagged: the unsubscribe link, our own pages. */
  skip: (url: string) => boolean;
}

/**
 * Tags the links of a rendered message (product, store and call-to-action links) in its HTML anchors, and the same
 * URLs where its text part spells them out. The unsubscribe link and other skipped links stay as they are.
 */
export function tagLinks(message: { html: string; text: string }, tags: UtmTags, scope: UtmScope): { html: string; text: string } {
  const domain = scope.storeDomain ? siteHost(`https://${scope.storeDomain.replace(/^https?:\/\//i, '')}`) : null;
  const tagged = (url: string) => {
    if (scope.skip(url)) return false;
    if (!domain) return true;
    const host = siteHost(url);
    return host !== null && (host === domain || host.endsWith(`.${domain}`));
  };
  const html = rewriteLinks(message.html, (url) => withUtm(url, tags), (url) => !tagged(url));
  // Longest first, so a link that is a prefix of another does not tag inside it.
  let text = message.text;
  for (const url of [...html.links].sort((a, b) => b.length - a.length)) {
    text = text.replace(new RegExp(`${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w/?#&=%.~+-])`, 'g'), withUtm(url, tags));
  }
  return { html: html.html, text };
}
