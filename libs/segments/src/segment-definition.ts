import { ORDER_STATUSES, toDecimalString } from '@boomerang/domain';
import { text, textProblem } from '@boomerang/validation';
import { z } from 'zod';
import { CRITERIA, CRITERION_KEYS, QUALIFIERS, QUALIFIERS_BY_KIND, TIME_UNITS, type CriterionKey, type Qualifier, type TimeUnit } from './criteria.js';

/** Bounds on a definition: what one evaluation may cost. */
export const MAX_DEPTH = 3;
export const MAX_CONDITIONS = 30;
const MAX_TEXT = 200;
const MAX_DURATION_SECONDS = 10 * 366 * 86_400;
const MAX_COUNT = 1_000_000_000;
const MAX_DAYS = 36_600;

export interface Duration {
  amount: number;
  unit: TimeUnit;
}

export interface SegmentCondition {
  criterion: CriterionKey;
  qualifier: Qualifier;
  /** text: a string; money: a decimal string (major units); count/days: a number; date: an ISO instant or a Duration; status: an order status. */
  value: string | number | Duration;
}

export interface SegmentGroup {
  match: 'all' | 'any';
  conditions: (SegmentCondition | SegmentGroup)[];
}

export type SegmentDefinition = SegmentGroup;

export const isGroup = (node: SegmentCondition | SegmentGroup): node is SegmentGroup => 'conditions' in node;

const durationSchema = z
  .object({
    amount: z.number().int('must be a whole number').min(1, 'must be at least 1'),
    unit: z.enum(Object.keys(TIME_UNITS) as [TimeUnit, ...TimeUnit[]], { error: `must be one of ${Object.keys(TIME_UNITS).join(', ')}` }),
  })
  .strict()
  .meta({ id: 'SegmentDuration', description: 'For within_last / not_within_last: N seconds, minutes, hours or days (at most 10 years)' });

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * One node of the tree: a group (`match` + `conditions`) or a condition (`criterion` + `qualifier` + `value`). One
 * object shape rather than a union, so an error names the bad field of the bad node (`definition.conditions.1.value`).
 */
interface RawNode {
  match?: 'all' | 'any';
  conditions?: RawNode[];
  criterion?: string;
  qualifier?: string;
  value?: string | number | Duration;
}

const nodeSchema: z.ZodType<RawNode> = z
  .strictObject({
    match: z.enum(['all', 'any'], { error: 'must be all or any' }).optional().meta({ description: 'A group: all (AND) or any (OR) of its conditions' }),
    get conditions(): z.ZodOptional<z.ZodArray<z.ZodType<RawNode>>> {
      return z.array(nodeSchema).min(1, 'must hold at least one condition').max(MAX_CONDITIONS, `must hold at most ${MAX_CONDITIONS} conditions`).optional();
    },
    criterion: z.string({ error: 'must be a string' }).max(64, 'is not a known criterion').optional().meta({ description: `A condition: one of ${CRITERION_KEYS.join(', ')}` }),
    qualifier: z.string({ error: 'must be a string' }).max(32, 'is not a known qualifier').optional().meta({ description: `${QUALIFIERS.join(', ')} (which ones depend on the criterion; see GET …/segments/criteria)` }),
    value: z
      .union([z.string().max(1_000, 'must be at most 200 characters'), z.number(), durationSchema], { error: 'must be a string, a number or a duration' })
      .optional(),
  })
  .superRefine((node, ctx) => {
    const group = node.match !== undefined || node.conditions !== undefined;
    if (group) {
      if (node.match === undefined) ctx.addIssue({ code: 'custom', path: ['match'], message: 'a group needs match: all or any' });
      if (node.conditions === undefined) ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'a group needs conditions' });
      for (const k of ['criterion', 'qualifier', 'value'] as const) if (node[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'a group has match and conditions only' });
      return;
    }
    checkCondition(node, ctx);
  })
  .meta({ id: 'SegmentNode', description: 'A group { match, conditions } or a condition { criterion, qualifier, value }' }) as z.ZodType<RawNode>;

function checkCondition(node: RawNode, ctx: z.RefinementCtx): void {
  if (node.criterion === undefined) {
    ctx.addIssue({ code: 'custom', path: ['criterion'], message: 'a condition needs a criterion (or a group needs match and conditions)' });
    return;
  }
  if (!(node.criterion in CRITERIA)) {
    ctx.addIssue({ code: 'custom', path: ['criterion'], message: `unknown criterion ${JSON.stringify(node.criterion.slice(0, 64))}` });
    return;
  }
  const { kind } = CRITERIA[node.criterion as CriterionKey];
  const allowed = QUALIFIERS_BY_KIND[kind];
  if (node.qualifier === undefined || !allowed.includes(node.qualifier as Qualifier)) {
    ctx.addIssue({ code: 'custom', path: ['qualifier'], message: `must be one of ${allowed.join(', ')} for ${node.criterion}` });
    return;
  }
  const value = node.value;
  const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
  if (value === undefined) return bad('a condition needs a value');
  switch (kind) {
    case 'text': {
      if (typeof value !== 'string') return bad('must be a string');
      const trimmed = value.trim();
      if (!trimmed) return bad('must not be empty');
      if (trimmed.length > MAX_TEXT) return bad(`must be at most ${MAX_TEXT} characters`);
      const problem = textProblem(trimmed);
      if (problem) return bad(problem);
      return;
    }
    case 'money':
      if ((typeof value !== 'string' && typeof value !== 'number') || toDecimalString(value) === null) return bad('must be a non-negative decimal amount');
      return;
    case 'count':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_COUNT) return bad(`must be a whole number from 0 to ${MAX_COUNT}`);
      return;
    case 'days':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DAYS) return bad(`must be a number of days from 0 to ${MAX_DAYS}`);
      return;
    case 'status':
      if (typeof value !== 'string' || !(ORDER_STATUSES as readonly string[]).includes(value)) return bad(`must be one of ${ORDER_STATUSES.join(', ')}`);
      return;
    case 'date':
      if (node.qualifier === 'within_last' || node.qualifier === 'not_within_last') {
        if (typeof value !== 'object') return bad('must be a duration { amount, unit }');
        if (value.amount * TIME_UNITS[value.unit] > MAX_DURATION_SECONDS) return bad('must be at most 10 years');
        return;
      }
      if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) return bad('must be an ISO 8601 date or instant');
      return;
  }
}

/** Depth, total conditions and contradictions (an AND of bounds no value can meet), with the path of the part at fault. */
function checkTree(root: RawNode, ctx: z.RefinementCtx): void {
  if (root.conditions === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'a segment is a group: { match: all | any, conditions: [...] }' });
    return;
  }
  let total = 0;
  const walk = (node: RawNode, path: (string | number)[], depth: number) => {
    if (!node.conditions) {
      total++;
      return;
    }
    if (depth > MAX_DEPTH) {
      ctx.addIssue({ code: 'custom', path, message: `groups may nest at most ${MAX_DEPTH} deep` });
      return;
    }
    if (node.match === 'all') contradictions(node.conditions, path, ctx);
    node.conditions.forEach((child, i) => walk(child, [...path, 'conditions', i], depth + 1));
  };
  walk(root, [], 1);
  if (total > MAX_CONDITIONS) ctx.addIssue({ code: 'custom', path: [], message: `a segment may hold at most ${MAX_CONDITIONS} conditions (it has ${total})` });
}

/** Numeric bounds of one criterion under AND that exclude each other: `orders > 5 and orders < 3`. */
function contradictions(children: RawNode[], path: (string | number)[], ctx: z.RefinementCtx): void {
  const bounds = new Map<string, { lo: number; hi: number; eq: number | null }>();
  children.forEach((c, i) => {
    if (!c.criterion || !(c.criterion in CRITERIA) || c.conditions) return;
    const kind = CRITERIA[c.criterion as CriterionKey].kind;
    if (kind !== 'money' && kind !== 'count' && kind !== 'days') return;
    const n = typeof c.value === 'number' ? c.value : typeof c.value === 'string' ? Number(toDecimalString(c.value)) : NaN;
    if (!Number.isFinite(n)) return;
    const b = bounds.get(c.criterion) ?? { lo: -Infinity, hi: Infinity, eq: null };
    if (c.qualifier === 'gt') b.lo = Math.max(b.lo, n);
    else if (c.qualifier === 'lt') b.hi = Math.min(b.hi, n);
    else if (c.qualifier === 'eq') {
      if (b.eq !== null && b.eq !== n) b.lo = Infinity;
      b.eq = n;
    }
    bounds.set(c.criterion, b);
    const empty = b.lo >= b.hi || (b.eq !== null && (b.eq <= b.lo || b.eq >= b.hi));
    if (empty) {
      ctx.addIssue({ code: 'custom', path: [...path, 'conditions', i], message: `contradicts an earlier ${c.criterion} condition of this all-group: no customer can match` });
      bounds.set(c.criterion, { lo: -Infinity, hi: Infinity, eq: null });
    }
  });
}

/** A segment's rule tree: a top-level all/any group of conditions and groups (depth ≤ 3, ≤ 30 conditions). */
export const segmentDefinitionSchema = (nodeSchema as z.ZodType<RawNode>)
  .superRefine(checkTree)
  .transform((raw) => toDefinition(raw) as SegmentGroup)
  .meta({ id: 'SegmentDefinition' });

function toDefinition(raw: RawNode): SegmentCondition | SegmentGroup {
  if (raw.conditions) return { match: raw.match!, conditions: raw.conditions.map(toDefinition) };
  const value = typeof raw.value === 'string' ? raw.value.trim() : raw.value!;
  const money = CRITERIA[raw.criterion as CriterionKey].kind === 'money';
  return { criterion: raw.criterion as CriterionKey, qualifier: raw.qualifier as Qualifier, value: money ? toDecimalString(value as string | number)! : value };
}

const segmentName = text(200);

export const createSegmentSchema = z.object({ name: segmentName, definition: segmentDefinitionSchema }).strict().meta({ id: 'CreateSegment' });
export const updateSegmentSchema = z
  .object({ name: segmentName.optional(), definition: segmentDefinitionSchema.optional() })
  .strict()
  .meta({ id: 'UpdateSegment' });
export const previewSegmentSchema = z
  .object({ definition: segmentDefinitionSchema, limit: z.number().int().min(1).max(100).optional() })
  .strict()
  .meta({ id: 'PreviewSegment' });
export const segmentMembersQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export type CreateSegmentInput = z.output<typeof createSegmentSchema>;
export type UpdateSegmentInput = z.output<typeof updateSegmentSchema>;
export type PreviewSegmentInput = z.output<typeof previewSegmentSchema>;
export type SegmentMembersQuery = z.output<typeof segmentMembersQuerySchema>;
