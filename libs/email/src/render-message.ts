import type { RenderContext } from './render-context.js';
import type { TemplateCompiler } from './template-compiler.js';

export interface MessageTemplate {
  subject: string;
  bodyHtml: string;
  /** The merchant's own plain-text part; derived from the HTML when absent. */
  bodyText?: string | null;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export function renderMessage(compiler: TemplateCompiler, template: MessageTemplate, context: RenderContext): RenderedMessage {
  const subject = compiler.renderText(template.subject, context).replace(/\s+/g, ' ').trim();
  const html = compiler.renderDocument(template.bodyHtml, context);
  const text = template.bodyText?.trim()
    ? `${compiler.renderText(template.bodyText, context).trim()}\n\n${textFooter(context)}`
    : htmlToText(html);
  return { subject, html, text };
}

/** The layout's footer for a merchant-written text part: the same address, social links and unsubscribe link. */
function textFooter(ctx: RenderContext): string {
  const lines = ['--', ctx.store.companyName ?? ctx.store.name];
  if (ctx.store.address) lines.push(ctx.store.address);
  if (ctx.store.phone) lines.push(ctx.store.phone);
  for (const link of ctx.store.socialLinks) lines.push(`${link.network}: ${link.url}`);
  if (ctx.unsubscribeUrl) lines.push(`Unsubscribe: ${ctx.unsubscribeUrl}`);
  return lines.join('\n');
}

/** A readable text part for clients that do not show HTML. */
export function htmlToText(html: string): string {
  return html
    .replace(/<head[^>]*>[\s\S]*?<\/head>/gi, '')
    .replace(/<(style|script|title)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\s+/g, ' ')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, '').trim();
      return text && text !== href ? `${text} (${href})` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|table)>/gi, '\n\n')
    .replace(/<\/(tr|li)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&middot;/g, '·')
    .replace(/&times;/g, '×')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface TrackedLinks {
  html: string;
  /** Every distinct http(s) link the HTML contained, in order of first appearance. */
  links: string[];
}

/**
 * Finds the http(s) links in anchors and hands each to `rewrite` with its index in `links`; `keep` links
 * (the unsubscribe link) are left untouched and not listed.
 */
export function rewriteLinks(html: string, rewrite: ((url: string, index: number) => string) | null, keep: (url: string) => boolean = () => false): TrackedLinks {
  const links: string[] = [];
  const out = html.replace(/(<a\s[^>]*?href=")(https?:\/\/[^"]+)(")/gi, (whole, before: string, encoded: string, after: string) => {
    const url = decodeAttribute(encoded);
    if (keep(url)) return whole;
    let index = links.indexOf(url);
    if (index < 0) index = links.push(url) - 1;
    return rewrite ? `${before}${escapeAttribute(rewrite(url, index))}${after}` : whole;
  });
  return { html: out, links };
}

/** Adds an invisible 1×1 image just before `</body>`. */
export function addOpenPixel(html: string, pixelUrl: string): string {
  const img = `<img src="${escapeAttribute(pixelUrl)}" width="1" height="1" alt="" style="display: block; width: 1px; height: 1px; border: 0;">`;
  return /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${img}\n</body>`) : `${html}${img}`;
}

function decodeAttribute(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'");
}

export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
