import { fromMinorUnits } from '@boomerang/domain';
import type { EmailTransport, OutgoingEmail, ProductVariables, RenderContext, StoreVariables, TemplateCompiler } from '@boomerang/email';
import { addOpenPixel, campaignSlug, NO_PRODUCT, RENDER_CONTEXT_LIMITS, renderMessage, rewriteLinks, tagLinks } from '@boomerang/email';
import { OrderSchema, type Customer, type EntityManager, type Order, type RetentionRule, type Store } from '@boomerang/persistence';
import type { SendRetentionMessageInput } from '@boomerang/workflows';
import type { UnsubscribeTokens } from '@boomerang/engagement';

export interface ComposeDeps {
  templates: TemplateCompiler;
  unsubscribe: UnsubscribeTokens;
  publicUrl: string;
  /** The transport that will send it: the outbox gets our own open pixel and click redirects; Postmark tracks itself. */
  transport?: Pick<EmailTransport, 'name'>;
  /** Where our pixel and redirects are served; `null` turns our tracking off. Default: `publicUrl` for the outbox. */
  trackingBaseUrl?: string | null;
}

export interface ComposedRetentionEmail {
  email: OutgoingEmail;
  /** Every distinct http(s) link in the message as the merchant wrote it, in order: the click redirect's allow-list. */
  links: string[];
}

/** Renders one retention (marketing) message for one customer, with List-Unsubscribe and, for the outbox, tracking. */
export async function composeRetentionEmail(
  deps: ComposeDeps,
  em: EntityManager,
  ctx: { messageId: string; store: Store; rule: RetentionRule; customer: Customer; input: SendRetentionMessageInput; order?: Order | null },
): Promise<ComposedRetentionEmail> {
  const { store, rule, customer, input } = ctx;
  const unsubscribeUrl = `${deps.publicUrl}/api/v1/unsubscribe/${deps.unsubscribe.issue(store.id, customer.id)}`;
  // The caller may already hold the arming order (read with everything else the send needs, in one query).
  const order = ctx.order !== undefined ? ctx.order : await em.findOne(OrderSchema, { id: input.armedBy.orderId, storeId: store.id });
  const context = retentionRenderContext({
    store,
    ruleName: rule.name,
    customer,
    order,
    lastOrder: { id: order?.externalId ?? input.armedBy.orderId, placedAt: input.armedBy.purchasedAt },
    unsubscribeUrl,
  });
  const rendered = renderMessage(deps.templates, { subject: rule.subject, bodyHtml: rule.bodyHtml, bodyText: rule.bodyText }, context);

  const trackingBase = deps.trackingBaseUrl !== undefined ? deps.trackingBaseUrl : deps.transport?.name === 'outbox' ? deps.publicUrl : null;
  const isUnsubscribe = (url: string) => url === unsubscribeUrl;
  // Store, product and call-to-action links carry UTM tags so Google Analytics attributes the visit to this rule;
  // the unsubscribe link, our own pages and the store's social profiles do not.
  const socialLinks = new Set(context.store.socialLinks.map((l) => l.url));
  const tagged = tagLinks(rendered, { campaign: campaignSlug(rule.name) }, {
    storeDomain: store.domain ?? null,
    skip: (url) => isUnsubscribe(url) || url.startsWith(`${deps.publicUrl}/`) || socialLinks.has(url),
  });
  let html = tagged.html;
  let links: string[];
  if (trackingBase) {
    const token = deps.unsubscribe.tracking.issue(ctx.messageId);
    const tracked = rewriteLinks(html, (_url, index) => `${trackingBase}/api/v1/t/c/${token}/${index}`, isUnsubscribe);
    html = addOpenPixel(tracked.html, `${trackingBase}/api/v1/t/o/${token}.gif`);
    links = tracked.links;
  } else {
    links = rewriteLinks(html, null, isUnsubscribe).links;
  }

  return {
    email: {
      messageId: ctx.messageId,
      storeId: store.id,
      ruleId: rule.id,
      kind: 'marketing',
      from: fromHeader(rule.senderName, rule.senderEmail),
      to: customer.email,
      subject: rendered.subject,
      html,
      text: tagged.text,
      // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to the URL.
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    },
    links,
  };
}

/**
 * What a retention message's template sees: the store (logo, social links, CAN-SPAM address), the customer and the
 * arming order's products. The send and the dashboard's preview both build it here, so a preview is the real thing.
 */
export function retentionRenderContext(ctx: {
  store: Store;
  ruleName: string;
  customer: Pick<Customer, 'email' | 'firstName' | 'lastName'>;
  order: Order | null;
  lastOrder: RenderContext['lastOrder'];
  unsubscribeUrl: string;
  /** Stands in for the order's products when there is no order (previews). */
  products?: ProductVariables[];
}): RenderContext {
  const storeVars = storeVariables(ctx.store);
  const products = ctx.order ? productVariables(ctx.order, storeVars.url) : (ctx.products ?? []);
  return {
    customer: { email: ctx.customer.email, firstName: ctx.customer.firstName ?? null, lastName: ctx.customer.lastName ?? null },
    store: storeVars,
    rule: { name: ctx.ruleName },
    lastOrder: ctx.lastOrder,
    products,
    product: products[0] ?? NO_PRODUCT,
    unsubscribeUrl: ctx.unsubscribeUrl,
  };
}

/** The From header of a retention message: the sender's name quoted, nothing in it that could break the header. */
export function fromHeader(senderName: string, senderEmail: string): string {
  return `"${senderName.replace(/["\\\r\n]/g, '')}" <${senderEmail}>`;
}

export function storeVariables(store: Store): StoreVariables {
  const locality = [store.region, store.postalCode].filter(Boolean).join(' ');
  const address = [store.street, store.city, locality, store.country].filter(Boolean).join(', ');
  const social = Object.entries(store.socialLinks ?? {}).filter(([, url]) => typeof url === 'string' && /^https?:\/\//.test(url));
  return {
    name: store.name,
    // No storefront URL column yet: a "website" entry among the social links serves as one.
    url: social.find(([network]) => network.toLowerCase() === 'website')?.[1] ?? null,
    logoUrl: store.logoUrl ?? null,
    companyName: store.companyName ?? null,
    address: address || null,
    phone: store.phone ?? null,
    socialLinks: social
      .filter(([network]) => network.toLowerCase() !== 'website')
      .map(([network, url]) => ({ network: network.charAt(0).toUpperCase() + network.slice(1), url })),
  };
}

export function formatMoney(minor: number, currency: string): string {
  return moneyFormat(currency).format(fromMinorUnits(minor, currency));
}

const MONEY_FORMATS = new Map<string, Intl.NumberFormat>();
/** Building a NumberFormat costs more than rendering the email: one per currency, made once. */
function moneyFormat(currency: string): Intl.NumberFormat {
  let format = MONEY_FORMATS.get(currency);
  if (!format) MONEY_FORMATS.set(currency, (format = new Intl.NumberFormat('en-US', { style: 'currency', currency })));
  return format;
}

/** The arming order's lines. Lines may carry `url`/`imageUrl` when the platform sends them. */
function productVariables(order: Order | null, storeUrl: string | null): ProductVariables[] {
  if (!order) return [];
  const money = moneyFormat(order.currency);
  // An order may have 1,000 lines; a message shows at most `maxProducts` of them (renderMessage cuts the rest anyway).
  return order.lines.slice(0, RENDER_CONTEXT_LIMITS.maxProducts).map((line) => {
    const extra = line as unknown as { url?: unknown; imageUrl?: unknown };
    const url = typeof extra.url === 'string' ? extra.url : null;
    return {
      sku: line.sku,
      name: line.name ?? line.sku,
      quantity: line.quantity,
      price: money.format(fromMinorUnits(line.priceCents, order.currency)),
      imageUrl: typeof extra.imageUrl === 'string' ? extra.imageUrl : null,
      url,
      reorderUrl: url ?? (storeUrl ? `${storeUrl.replace(/\/$/, '')}/search?q=${encodeURIComponent(line.sku)}` : null),
    };
  });
}
