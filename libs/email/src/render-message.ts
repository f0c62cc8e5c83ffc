import type { RenderContext, TemplateCompiler } from './template-compiler.js';

export interface MessageTemplate {
  subject: string;
  bodyHtml: string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export function renderMessage(compiler: TemplateCompiler, template: MessageTemplate, context: RenderContext): RenderedMessage {
  const subject = compiler.render(template.subject, context).replace(/\s+/g, ' ').trim();
  const body = compiler.render(template.bodyHtml, context);
  const html = layout(body, context);
  return { subject, html, text: htmlToText(html) };
}

function layout(body: string, ctx: RenderContext): string {
  return `<!doctype html><html><body style="margin:0;padding:0;font-family:Arial,sans-serif;color:#222">
<div style="max-width:600px;margin:0 auto;padding:24px">${body}</div>
<div style="max-width:600px;margin:0 auto;padding:12px 24px;font-size:12px;color:#777">
${escapeHtml(ctx.store.name)} &middot; <a href="${escapeHtml(ctx.unsubscribeUrl)}">Unsubscribe</a>
</div></body></html>`;
}

/** A readable text part for clients that do not show HTML. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => `${label} (${href})`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|tr|table)>/gi, '\n\n')
    .replace(/<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&middot;/g, '·')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
