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
