import { readTemplateFile } from './template-compiler.js';

export interface StarterTemplate {
  id: string;
  name: string;
  description: string;
  subject: string;
  bodyHtml: string;
}

const STARTERS: Omit<StarterTemplate, 'bodyHtml'>[] = [
  {
    id: 'we-miss-you',
    name: 'We miss you',
    description: 'A friendly nudge for customers who have not ordered in a while, showing what they bought last.',
    subject: 'We miss you{{#if customer.firstName}}, {{customer.firstName}}{{/if}}',
  },
  {
    id: 'time-to-reorder',
    name: 'Time to reorder',
    description: 'For consumables: the products from the last order, each with a one-click reorder button.',
    subject: 'Time to reorder {{product.name}}',
  },
  {
    id: 'gift-to-come-back',
    name: 'A gift to bring you back',
    description: 'A discount code to win back a lapsed customer. Replace the code with one from your store.',
    subject: 'A gift to bring you back to {{store.name}}',
  },
];

let loaded: StarterTemplate[] | undefined;

/** Templates a merchant can pick and then edit; their bodies live in `templates/starters/<id>.hbs`. */
export function starterTemplates(): StarterTemplate[] {
  loaded ??= STARTERS.map((s) => ({ ...s, bodyHtml: readTemplateFile(`starters/${s.id}.hbs`) }));
  return loaded.map((s) => ({ ...s }));
}
