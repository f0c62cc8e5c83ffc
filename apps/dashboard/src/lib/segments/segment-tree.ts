// The builder's editable tree and its conversion to the api's SegmentDefinition. The criteria themselves (labels,
// kinds, qualifiers) come from the api (GET …/segments/criteria), so nothing here restates them.

export type CriterionKind = 'text' | 'money' | 'count' | 'days' | 'date' | 'status';

export interface Criterion {
  key: string;
  label: string;
  kind: CriterionKind;
  qualifiers: string[];
}

export interface ConditionNode {
  type: 'condition';
  id: number;
  criterion: string;
  qualifier: string;
  /** What the inputs hold, as typed: text, an amount, a date (yyyy-mm-dd) or a duration's amount (number inputs bind numbers). */
  value: string | number | null;
  unit: 'seconds' | 'minutes' | 'hours' | 'days';
}

export interface GroupNode {
  type: 'group';
  id: number;
  match: 'all' | 'any';
  children: (ConditionNode | GroupNode)[];
}

export const MAX_DEPTH = 3;
export const MAX_CONDITIONS = 30;

export const QUALIFIER_LABELS: Record<string, string> = {
  eq: 'is equal to',
  gt: 'is greater than',
  lt: 'is less than',
  contains: 'contains',
  not_contains: 'does not contain',
  before: 'is before',
  after: 'is after',
  within_last: 'is within the last',
  not_within_last: 'is not within the last',
};

/** Status criteria read better with their own words. */
export function qualifierLabel(kind: CriterionKind, qualifier: string): string {
  if (kind === 'status') return qualifier === 'eq' ? 'has an order that is' : 'has no order that is';
  return QUALIFIER_LABELS[qualifier] ?? qualifier;
}

let nextId = 1;
const id = () => nextId++;

export function newCondition(criteria: Criterion[], key = criteria[0]?.key ?? ''): ConditionNode {
  const criterion = criteria.find((c) => c.key === key);
  return { type: 'condition', id: id(), criterion: key, qualifier: criterion?.qualifiers[0] ?? 'eq', value: '', unit: 'days' };
}

export function newGroup(criteria: Criterion[], match: 'all' | 'any' = 'all'): GroupNode {
  return { type: 'group', id: id(), match, children: [newCondition(criteria)] };
}

export function countConditions(node: ConditionNode | GroupNode): number {
  return node.type === 'condition' ? 1 : node.children.reduce((n, c) => n + countConditions(c), 0);
}

export function isTimeSpan(qualifier: string): boolean {
  return qualifier === 'within_last' || qualifier === 'not_within_last';
}

/** The tree as the api's definition; values keep what the merchant typed, and the api says what is wrong with them. */
export function toDefinition(group: GroupNode, criteria: Criterion[]): unknown {
  return {
    match: group.match,
    conditions: group.children.map((node) => (node.type === 'group' ? toDefinition(node, criteria) : conditionValue(node, criteria))),
  };
}

function conditionValue(node: ConditionNode, criteria: Criterion[]): unknown {
  const kind = criteria.find((c) => c.key === node.criterion)?.kind ?? 'text';
  // A number input binds a number (or null when cleared): read every input as text.
  const raw = String(node.value ?? '').trim();
  const asNumber = raw === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
  let value: unknown = raw;
  if (kind === 'count' || kind === 'days') value = asNumber;
  if (kind === 'money') value = raw;
  if (kind === 'date' && isTimeSpan(node.qualifier)) value = { amount: asNumber, unit: node.unit };
  return { criterion: node.criterion, qualifier: node.qualifier, value };
}

/** A stored definition as an editable tree (the edit page). */
export function fromDefinition(definition: unknown, criteria: Criterion[]): GroupNode {
  const group = definition as { match?: 'all' | 'any'; conditions?: unknown[] };
  return {
    type: 'group',
    id: id(),
    match: group.match ?? 'all',
    children: (group.conditions ?? []).map((raw) => {
      const node = raw as { conditions?: unknown[]; criterion?: string; qualifier?: string; value?: unknown };
      if (node.conditions) return fromDefinition(node, criteria);
      const value = node.value;
      const span = typeof value === 'object' && value !== null ? (value as { amount: number; unit: ConditionNode['unit'] }) : null;
      // A stored instant shows in the date input as its day.
      const shown = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : String(value ?? '');
      return {
        type: 'condition' as const,
        id: id(),
        criterion: node.criterion ?? criteria[0]?.key ?? '',
        qualifier: node.qualifier ?? 'eq',
        value: span ? String(span.amount) : shown,
        unit: span?.unit ?? 'days',
      };
    }),
  };
}

/** One line in words: "Total spent (all orders) is greater than 100". */
export function describeCondition(raw: { criterion: string; qualifier: string; value: unknown }, criteria: Criterion[]): string {
  const criterion = criteria.find((c) => c.key === raw.criterion);
  const label = criterion?.label ?? raw.criterion;
  const value = raw.value;
  const shown = typeof value === 'object' && value !== null ? `${(value as { amount: number }).amount} ${(value as { unit: string }).unit}` : String(value);
  return `${label} ${qualifierLabel(criterion?.kind ?? 'text', raw.qualifier)} ${shown}`;
}

/** The api's issue fields (`definition.conditions.1.value`) for one node's path (`definition.conditions.1`). */
export function errorsAt(errors: Record<string, string>, path: string): string[] {
  return Object.entries(errors)
    .filter(([field]) => field === path || (field.startsWith(`${path}.`) && !field.slice(path.length + 1).startsWith('conditions')))
    .map(([field, message]) => (field === path ? message : `${field.slice(path.length + 1)}: ${message}`));
}
