// The variables a retention message may use, as libs/email's render context defines them (TEMPLATE_VARIABLES);
// the api refuses any other on save, so the editor offers exactly these.
export const TEMPLATE_VARIABLES = [
  { name: 'customer.firstName', label: 'Customer first name' },
  { name: 'customer.lastName', label: 'Customer last name' },
  { name: 'customer.email', label: 'Customer email' },
  { name: 'product.name', label: 'Product name (last order)' },
  { name: 'product.sku', label: 'Product SKU' },
  { name: 'product.price', label: 'Product price' },
  { name: 'product.url', label: 'Product page URL' },
  { name: 'product.reorderUrl', label: 'Reorder URL' },
  { name: 'lastOrder.id', label: 'Last order number' },
  { name: 'store.name', label: 'Store name' },
  { name: 'store.url', label: 'Store URL' },
  { name: 'store.phone', label: 'Store phone' },
  { name: 'rule.name', label: 'Workflow name' },
  { name: 'unsubscribeUrl', label: 'Unsubscribe URL' },
] as const;

/** Whether the visual editor can hold this HTML without losing parts of it (blocks, tables, inline styles, images). */
export function fitsVisualEditor(html: string): boolean {
  return !/\{\{[#/^]|<(table|img|style|div|span|td|tr)\b|\sstyle=|\sclass=/i.test(html);
}
