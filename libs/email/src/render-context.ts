/** Everything a template may reference. `TEMPLATE_VARIABLES` below must describe exactly this shape. */
export interface ProductVariables {
  sku: string;
  name: string;
  quantity: number;
  /** Price of one unit, formatted in the order's currency (e.g. "$18.50"). */
  price: string;
  imageUrl: string | null;
  url: string | null;
  reorderUrl: string | null;
}

export interface StoreVariables {
  name: string;
  url: string | null;
  logoUrl: string | null;
  companyName: string | null;
  /** The CAN-SPAM postal address on one line, e.g. "1 Main St, Portland, OR 97201, US". */
  address: string | null;
  phone: string | null;
  socialLinks: { network: string; url: string }[];
}

export interface RenderContext {
  customer: { email: string; firstName: string | null; lastName: string | null };
  store: StoreVariables;
  rule: { name: string };
  lastOrder: { id: string; placedAt: string } | null;
  /** What the customer bought in the order that armed this message. */
  products: ProductVariables[];
  /** The first of `products` (a neutral stand-in when the order had none), for "Time to reorder {{product.name}}". */
  product: ProductVariables;
  unsubscribeUrl: string;
}

type Shape = 'leaf' | { [key: string]: Shape } | Shape[];

const PRODUCT: Shape = { sku: 'leaf', name: 'leaf', quantity: 'leaf', price: 'leaf', imageUrl: 'leaf', url: 'leaf', reorderUrl: 'leaf' };

/** The variable tree validation checks templates against; arrays hold their element's shape. */
export const TEMPLATE_VARIABLES: Shape = {
  customer: { email: 'leaf', firstName: 'leaf', lastName: 'leaf' },
  store: {
    name: 'leaf',
    url: 'leaf',
    logoUrl: 'leaf',
    companyName: 'leaf',
    address: 'leaf',
    phone: 'leaf',
    socialLinks: [{ network: 'leaf', url: 'leaf' }],
  },
  rule: { name: 'leaf' },
  lastOrder: { id: 'leaf', placedAt: 'leaf' },
  products: [PRODUCT],
  product: PRODUCT,
  unsubscribeUrl: 'leaf',
};

export type VariableShape = Shape;

/** A complete context for previews, validation dry-runs and the benchmark. */
export function sampleRenderContext(overrides: Partial<RenderContext> = {}): RenderContext {
  const product: ProductVariables = {
    sku: 'COFFEE-1KG',
    name: 'House blend 1kg',
    quantity: 2,
    price: '$18.50',
    imageUrl: 'https://shop.example/img/house-blend.jpg',
    url: 'https://shop.example/products/house-blend',
    reorderUrl: 'https://shop.example/cart/add?sku=COFFEE-1KG&quantity=2',
  };
  return {
    customer: { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' },
    store: {
      name: 'Bean & Leaf',
      url: 'https://shop.example',
      logoUrl: 'https://shop.example/logo.png',
      companyName: 'Bean & Leaf LLC',
      address: '1 Roast Street, Portland, OR 97201, US',
      phone: '+1 503 555 0100',
      socialLinks: [
        { network: 'Instagram', url: 'https://instagram.com/beanleaf' },
        { network: 'Facebook', url: 'https://facebook.com/beanleaf' },
      ],
    },
    rule: { name: 'Coffee refill' },
    lastOrder: { id: '1001', placedAt: '2026-11-01T10:00:00.000Z' },
    products: [product],
    product,
    unsubscribeUrl: 'https://boomerang.example/api/v1/unsubscribe/TOKEN',
    ...overrides,
  };
}

/** Stands in for `product` when the arming order has no lines, so `{{product.name}}` still reads well. */
export const NO_PRODUCT: ProductVariables = { sku: '', name: 'your favourites', quantity: 0, price: '', imageUrl: null, url: null, reorderUrl: null };

/**
 * What one message's data may weigh, so render cost and output size have a ceiling whatever the order holds
 * (orders may have 1,000 lines): a template's trial render at save uses a context at exactly these bounds.
 */
export const RENDER_CONTEXT_LIMITS = { maxProducts: 50, maxSocialLinks: 10, maxTextChars: 200, maxUrlChars: 1_000 } as const;

const text = (value: string): string =>
  value.length > RENDER_CONTEXT_LIMITS.maxTextChars ? `${value.slice(0, RENDER_CONTEXT_LIMITS.maxTextChars - 1)}…` : value;
const optionalText = (value: string | null): string | null => (value === null ? null : text(value));
/** A cut URL would be a broken link: one over the bound is left out, as if the platform had not sent it. */
const url = (value: string | null): string | null => (value !== null && value.length > RENDER_CONTEXT_LIMITS.maxUrlChars ? null : value);

function boundProduct(p: ProductVariables): ProductVariables {
  return { sku: text(p.sku), name: text(p.name), quantity: p.quantity, price: text(p.price), imageUrl: url(p.imageUrl), url: url(p.url), reorderUrl: url(p.reorderUrl) };
}

/** The context cut to `RENDER_CONTEXT_LIMITS`: the first products, long names shortened with "…", over-long URLs left out. */
export function boundRenderContext(ctx: RenderContext): RenderContext {
  return {
    customer: { email: ctx.customer.email, firstName: optionalText(ctx.customer.firstName), lastName: optionalText(ctx.customer.lastName) },
    store: {
      name: text(ctx.store.name),
      url: url(ctx.store.url),
      logoUrl: url(ctx.store.logoUrl),
      companyName: optionalText(ctx.store.companyName),
      address: ctx.store.address === null ? null : ctx.store.address.slice(0, RENDER_CONTEXT_LIMITS.maxTextChars * 5),
      phone: optionalText(ctx.store.phone),
      socialLinks: ctx.store.socialLinks
        .filter((link) => url(link.url) !== null)
        .slice(0, RENDER_CONTEXT_LIMITS.maxSocialLinks)
        .map((link) => ({ network: text(link.network), url: link.url })),
    },
    rule: { name: text(ctx.rule.name) },
    lastOrder: ctx.lastOrder && { id: text(ctx.lastOrder.id), placedAt: ctx.lastOrder.placedAt },
    products: ctx.products.slice(0, RENDER_CONTEXT_LIMITS.maxProducts).map(boundProduct),
    product: boundProduct(ctx.product),
    unsubscribeUrl: ctx.unsubscribeUrl,
  };
}

/** The heaviest context `boundRenderContext` lets through: every list full, every string and URL at its bound. */
export function worstCaseRenderContext(): RenderContext {
  const { maxProducts, maxSocialLinks, maxTextChars, maxUrlChars } = RENDER_CONTEXT_LIMITS;
  const long = (prefix: string) => prefix + 'x'.repeat(maxTextChars - prefix.length);
  const link = (prefix: string) => prefix + 'x'.repeat(maxUrlChars - prefix.length);
  const products = Array.from({ length: maxProducts }, (_, i) => ({
    sku: long(`SKU-${i}-`),
    name: long(`Product ${i} `),
    quantity: 1_000,
    price: '$1,000,000.00',
    imageUrl: link(`https://shop.example/img/${i}/`),
    url: link(`https://shop.example/p/${i}/`),
    reorderUrl: link(`https://shop.example/r/${i}/`),
  }));
  return {
    customer: { email: `${'x'.repeat(64)}@${'x'.repeat(185)}.com`, firstName: long('First'), lastName: long('Last') },
    store: {
      name: long('Store'),
      url: link('https://shop.example/'),
      logoUrl: link('https://shop.example/logo/'),
      companyName: long('Company'),
      address: long('Address').repeat(5),
      phone: long('+1'),
      socialLinks: Array.from({ length: maxSocialLinks }, (_, i) => ({ network: long(`Network${i}`), url: link(`https://social.example/${i}/`) })),
    },
    rule: { name: long('Rule') },
    lastOrder: { id: long('Order'), placedAt: '2026-11-01T10:00:00.000Z' },
    products,
    product: products[0]!,
    unsubscribeUrl: link('https://boomerang.example/api/v1/unsubscribe/'),
  };
}
