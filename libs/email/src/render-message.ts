import { Parser } from 'htmlparser2';
import { boundRenderContext, type RenderContext } from './render-context.js';
import { outputIssue, type TemplateCompiler } from './template-compiler.js';
import { TemplateRenderError } from './template-errors.js';

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

/**
 * Renders one message within its budget: the context cut to `RENDER_CONTEXT_LIMITS`, each part checked against
 * the output limits. Throws `TemplateRenderError` for anything retrying cannot fix.
 */
export function renderMessage(compiler: TemplateCompiler, template: MessageTemplate, context: RenderContext): RenderedMessage {
  const ctx = boundRenderContext(context);
  const subject = checked('subject', 'subject', compiler.renderText(template.subject, ctx, 'subject').replace(/\s+/g, ' ').trim());
  const html = checked('bodyHtml', 'html', compiler.renderDocument(template.bodyHtml, ctx));
  const text = template.bodyText?.trim()
    ? `${checked('bodyText', 'text', compiler.renderText(template.bodyText, ctx, 'bodyText')).trim()}\n\n${textFooter(ctx)}`
    : checked('bodyHtml', 'text', htmlToText(html));
  return { subject, html, text };
}

function checked(field: 'subject' | 'bodyHtml' | 'bodyText', part: 'subject' | 'html' | 'text', output: string): string {
  const issue = outputIssue(part, output);
  if (issue) throw new TemplateRenderError('output_too_large', `${field}: ${issue}`, field);
  return output;
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

/** Elements whose content is not message text. */
const SKIPPED = new Set(['head', 'style', 'script', 'title']);
const PARAGRAPH_ENDS = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table']);
const LINE_ENDS = new Set(['tr', 'li']);

/**
 * A readable text part for clients that do not show HTML: paragraphs kept, links written `label (url)`. One pass
 * of an HTML tokenizer, so its cost is linear in the HTML (regular expressions over tags were quadratic on
 * attribute values full of `<a `).
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skipped = 0;
  let link: { href: string; label: string[] } | null = null;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (SKIPPED.has(name)) skipped++;
        else if (skipped || link) return;
        else if (name === 'a' && attributes.href !== undefined) link = { href: attributes.href.replace(/\s+/g, ' '), label: [] };
        else if (name === 'br') out.push('\n');
      },
      ontext(text) {
        if (skipped) return;
        (link ? link.label : out).push(text.replace(/\s+/g, ' '));
      },
      onclosetag(name, implied) {
        if (SKIPPED.has(name)) skipped = Math.max(0, skipped - 1);
        else if (skipped) return;
        else if (link) {
          if (name !== 'a') return;
          const label = link.label.join('').replace(/ +/g, ' ').trim();
          out.push(label && label !== link.href ? `${label} (${link.href})` : link.href);
          link = null;
        } else if (implied) return;
        else if (PARAGRAPH_ENDS.has(name)) out.push('\n\n');
        else if (LINE_ENDS.has(name)) out.push('\n');
      },
    },
    { decodeEntities: false },
  );
  parser.end(html);
  return out
    .join('')
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
    .replace(/ ?\n ?/g, '\n')
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
  const indexes = new Map<string, number>();
  const pieces: string[] = [];
  let copied = 0;
  let tag = '';
  const parser = new Parser(
    {
      onopentagname(name) {
        tag = name;
      },
      onattribute(name, encoded, quote) {
        if (tag !== 'a' || name !== 'href' || quote !== '"' || !/^https?:\/\//i.test(encoded)) return;
        // The attribute ends at the closing quote; with entities left alone, `encoded` is its raw text.
        const end = parser.endIndex - 1;
        const start = end - encoded.length;
        if (html.slice(start, end) !== encoded) return;
        const url = decodeAttribute(encoded);
        if (keep(url)) return;
        let index = indexes.get(url);
        if (index === undefined) indexes.set(url, (index = links.push(url) - 1));
        if (rewrite) {
          pieces.push(html.slice(copied, start), escapeAttribute(rewrite(url, index)));
          copied = end;
        }
      },
    },
    { decodeEntities: false },
  );
  parser.end(html);
  pieces.push(html.slice(copied));
  return { html: pieces.join(''), links };
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
