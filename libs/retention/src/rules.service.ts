import { randomUUID } from 'node:crypto';
import { DomainError, NotFoundError, parseIsoDuration, RULE_STATUSES, SENDING_FILTERS, ValidationError } from '@boomerang/domain';
import { CustomerSchema, RetentionRuleSchema, StoreSchema, type EntityManager, type RetentionRule } from '@boomerang/persistence';
import { TEMPLATE_LIMITS, type TemplateCompiler } from '@boomerang/email';
import { assertCanSpamComplete } from '@boomerang/stores';
import { email, parseOrThrow, text, uuid } from '@boomerang/validation';
import type { RetentionLifecycle } from '@boomerang/temporal-client';
import type { RuleSyncInput } from '@boomerang/workflows';
import { z } from 'zod';
import { SegmentRepository } from '@boomerang/segments';
import { RetentionRuleRepository } from './retention-rule.repository.js';

/** The longest window a rule may have (ten years, as `windowDays`); `P5000W` is refused, not stored. */
const MAX_WINDOW_SECONDS = 3_650 * 86_400;

const windowDuration = text(32).superRefine((value, ctx) => {
  let seconds: number;
  try {
    seconds = parseIsoDuration(value);
  } catch {
    return void ctx.addIssue({ code: 'custom', message: `"${value}" is not an ISO-8601 duration such as P30D or PT10S` });
  }
  if (seconds > MAX_WINDOW_SECONDS) ctx.addIssue({ code: 'custom', message: 'must be at most 3650 days (P3650D)' });
});

export const createRuleSchema = z
  .object({
    name: text(200),
    status: z.enum(RULE_STATUSES.filter((s) => s !== 'deleted') as ['draft', 'active', 'paused']).default('draft'),
    sendingFilter: z.enum(SENDING_FILTERS, { error: `must be one of ${SENDING_FILTERS.join(', ')}` }).default('all'),
    /** The audience: only members of this segment of the store (checked again when each message is due); null for everyone. */
    segmentId: uuid().nullish(),
    skus: z.array(text(200)).max(1_000).default([]),
    windowDays: z.number().int().positive('must be a positive number of days').max(3_650).optional(),
    window: windowDuration.optional(),
    senderName: text(200),
    senderEmail: email(),
    // Bounded here only to cap the work; the template limits (checked next, with their exact sizes) decide.
    subject: text(TEMPLATE_LIMITS.maxChars.subject),
    bodyHtml: text(2 * TEMPLATE_LIMITS.maxChars.bodyHtml, { trim: false }),
    bodyText: text(2 * TEMPLATE_LIMITS.maxChars.bodyText, { trim: false, min: 0 }).nullish(),
    attributionWindowDays: z.number().int().positive('must be a positive number of days').max(365).optional(),
    /** On activation: also message customers already past the window (default: only those inside it). */
    backfill: z.enum(['within_window', 'include_overdue', 'none']).optional(),
  })
  .strict();

// Built from the create schema's fields without their defaults: in zod 4 `.partial()` keeps `.default()`, so a PATCH
// that leaves out sendingFilter or skus would reset them to 'all' and [] (a SKU rule silently turned blanket).
const ruleFields = createRuleSchema.omit({ status: true, backfill: true }).shape;
export const updateRuleSchema = z
  .object({ ...ruleFields, sendingFilter: ruleFields.sendingFilter.removeDefault(), skus: ruleFields.skus.removeDefault() })
  .partial()
  .strict();

export const activateRuleSchema = z
  .object({ backfill: z.enum(['within_window', 'include_overdue', 'none']).default('within_window') })
  .strict();

export const testSendSchema = z
  .object({ to: email(), customerId: uuid().optional() })
  .strict();

/**
 * A test send's failure as the workflow carries it (workflow → activity → application failure), as the domain error
 * the merchant should see: a template that cannot render is a 422 naming the field; a rule or customer that went away
 * while the test send ran is a 404 or a 409. Anything else (Temporal down, a transport outage) stays unmapped.
 */
function testSendFailure(err: unknown): DomainError | null {
  for (let cause = err, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const failure = cause as { type?: unknown; message: string; details?: unknown[] };
    if (failure.type === 'TemplateRenderError') {
      const field = (failure.details?.[0] as { field?: string } | undefined)?.field ?? 'bodyHtml';
      return new DomainError('unprocessable', `the template cannot be rendered: ${failure.message}`, [{ field, message: failure.message }]);
    }
    if (failure.type === 'not_found') return new DomainError('not_found', 'the rule was deleted while the test send ran');
    if (failure.type === 'no_customer') return noCustomerYet();
  }
  return null;
}

const noCustomerYet = () =>
  new DomainError('conflict', 'the store has no customer yet whose data could fill the template: pass customerId once an order has arrived');

export type BackfillChoice = z.infer<typeof activateRuleSchema>['backfill'];

export class RulesService {
  constructor(
    private readonly templates: TemplateCompiler,
    /** Absent where no Temporal is needed (validation-only callers). */
    private readonly lifecycle?: RetentionLifecycle,
  ) {}

  async create(em: EntityManager, storeId: string, body: unknown): Promise<RetentionRule> {
    const input = parseOrThrow(createRuleSchema, body);
    const windowSeconds = this.windowSeconds(input.windowDays, input.window, true)!;
    this.validateTemplates(input);
    if (input.segmentId) await this.assertSegment(em, storeId, input.segmentId);
    if (input.status === 'active') await this.assertCanSend(em, storeId);
    const now = new Date();
    const rule = em.create(RetentionRuleSchema, {
      id: randomUUID(),
      storeId,
      name: input.name,
      status: input.status,
      sendingFilter: input.sendingFilter,
      segmentId: input.segmentId ?? null,
      skus: [...new Set(input.skus)],
      windowSeconds,
      senderName: input.senderName,
      senderEmail: input.senderEmail.trim(),
      subject: input.subject,
      bodyHtml: input.bodyHtml,
      bodyText: input.bodyText ?? null,
      attributionWindowSeconds: (input.attributionWindowDays ?? 5) * 86_400,
      activatedAt: input.status === 'active' ? now : null,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    if (input.status === 'active' && (input.backfill ?? 'within_window') !== 'none') {
      await this.sync(rule, 'backfill', { includeOverdue: input.backfill === 'include_overdue' });
    }
    return rule;
  }

  /** A rule's audience must be a segment of its own store. */
  private async assertSegment(em: EntityManager, storeId: string, segmentId: string): Promise<void> {
    if (!(await new SegmentRepository(em).find(storeId, segmentId))) throw ValidationError.field('segmentId', 'is not a segment of this store');
  }

  async get(em: EntityManager, storeId: string, ruleId: string): Promise<RetentionRule> {
    const rule = /^[0-9a-f-]{36}$/i.test(ruleId) ? await new RetentionRuleRepository(em).find(storeId, ruleId) : null;
    if (!rule || rule.status === 'deleted') throw new NotFoundError('rule', ruleId);
    return rule;
  }

  /** Edits a rule; running workflows learn a new window at once, and a new product filter re-evaluates who is armed. */
  async update(em: EntityManager, storeId: string, ruleId: string, body: unknown): Promise<RetentionRule> {
    const input = parseOrThrow(updateRuleSchema, body);
    const rule = await this.get(em, storeId, ruleId);
    const windowSeconds = this.windowSeconds(input.windowDays, input.window, false);
    this.validateTemplates(input);
    if (input.segmentId) await this.assertSegment(em, storeId, input.segmentId);
    const windowChanged = windowSeconds !== undefined && windowSeconds !== rule.windowSeconds;
    const skus = input.skus ? [...new Set(input.skus)] : undefined;
    const skusChanged = skus !== undefined && JSON.stringify([...skus].sort()) !== JSON.stringify([...rule.skus].sort());
    em.assign(rule, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.sendingFilter !== undefined && { sendingFilter: input.sendingFilter }),
      ...(input.segmentId !== undefined && { segmentId: input.segmentId ?? null }),
      ...(skus !== undefined && { skus }),
      ...(windowSeconds !== undefined && { windowSeconds }),
      ...(input.senderName !== undefined && { senderName: input.senderName }),
      ...(input.senderEmail !== undefined && { senderEmail: input.senderEmail.trim() }),
      ...(input.subject !== undefined && { subject: input.subject }),
      ...(input.bodyHtml !== undefined && { bodyHtml: input.bodyHtml }),
      ...(input.bodyText !== undefined && { bodyText: input.bodyText ?? null }),
      ...(input.attributionWindowDays !== undefined && { attributionWindowSeconds: input.attributionWindowDays * 86_400 }),
      revision: rule.revision + (windowChanged || skusChanged ? 1 : 0),
      updatedAt: new Date(),
    });
    await em.flush();
    if (windowChanged) {
      await new RetentionRuleRepository(em).rescheduleArmed(storeId, rule.id, rule.windowSeconds);
    }
    if (rule.status === 'draft') return rule;
    if (skusChanged) await this.sync(rule, 'refilter');
    else if (windowChanged) await this.sync(rule, 'broadcast', { change: { windowSeconds: rule.windowSeconds } });
    return rule;
  }

  /** Draft → active back-fills (an explicit choice for customers already past the window); paused → active resumes. */
  async activate(em: EntityManager, storeId: string, ruleId: string, body: unknown): Promise<RetentionRule> {
    const { backfill } = parseOrThrow(activateRuleSchema, body ?? {});
    const rule = await this.get(em, storeId, ruleId);
    await this.assertCanSend(em, storeId);
    if (rule.status === 'active') return rule;
    const resuming = rule.status === 'paused';
    em.assign(rule, { status: 'active', activatedAt: rule.activatedAt ?? new Date(), revision: rule.revision + 1, updatedAt: new Date() });
    await em.flush();
    if (resuming) await this.sync(rule, 'broadcast', { change: { status: 'active' } });
    else if (backfill !== 'none') await this.sync(rule, 'backfill', { includeOverdue: backfill === 'include_overdue' });
    return rule;
  }

  /** Sends the rule, rendered with a chosen customer's data, to any address; not logged as a retention message. */
  async testSend(em: EntityManager, storeId: string, ruleId: string, body: unknown) {
    const input = parseOrThrow(testSendSchema, body);
    const rule = await this.get(em, storeId, ruleId);
    if (input.customerId && !(await em.findOne(CustomerSchema, { id: input.customerId, storeId }))) {
      throw ValidationError.field('customerId', 'is not a customer of this store');
    }
    if (!input.customerId && !(await em.findOne(CustomerSchema, { storeId }, { fields: ['id'] }))) throw noCustomerYet();
    if (!this.lifecycle) throw new DomainError('conflict', 'test sends need the worker');
    try {
      return await this.lifecycle.testSend({ storeId, ruleId: rule.id, to: input.to.trim(), customerId: input.customerId });
    } catch (err) {
      throw testSendFailure(err) ?? err;
    }
  }

  /** Holds every pending send and keeps the schedules. */
  async pause(em: EntityManager, storeId: string, ruleId: string): Promise<RetentionRule> {
    const rule = await this.get(em, storeId, ruleId);
    if (rule.status !== 'active') throw new DomainError('conflict', `only an active rule can be paused (this one is ${rule.status})`);
    em.assign(rule, { status: 'paused', revision: rule.revision + 1, updatedAt: new Date() });
    await em.flush();
    await this.sync(rule, 'broadcast', { change: { status: 'paused' } });
    return rule;
  }

  /** Ends the rule's workflows; the rule leaves the lists but its messages and conversions keep counting in stats. */
  async delete(em: EntityManager, storeId: string, ruleId: string): Promise<void> {
    const rule = await this.get(em, storeId, ruleId);
    em.assign(rule, { status: 'deleted', deletedAt: new Date(), revision: rule.revision + 1, updatedAt: new Date() });
    await em.flush();
    await this.sync(rule, 'broadcast', { change: { status: 'deleted' } });
  }

  list(em: EntityManager, storeId: string): Promise<RetentionRule[]> {
    return new RetentionRuleRepository(em).list(storeId);
  }

  byIds(em: EntityManager, storeId: string, ids: string[]): Promise<RetentionRule[]> {
    return new RetentionRuleRepository(em).byIds(storeId, ids);
  }

  activeRules(em: EntityManager, storeId: string): Promise<RetentionRule[]> {
    return new RetentionRuleRepository(em).active(storeId);
  }

  private async sync(rule: RetentionRule, action: RuleSyncInput['action'], extra: Partial<RuleSyncInput> = {}): Promise<string | null> {
    if (!this.lifecycle) return null;
    return this.lifecycle.syncRule({ storeId: rule.storeId, ruleId: rule.id, revision: rule.revision, action, ...extra });
  }

  private validateTemplates(input: { subject?: string; bodyHtml?: string; bodyText?: string | null }): void {
    if (input.subject !== undefined) this.templates.validate('subject', input.subject);
    if (input.bodyHtml !== undefined) this.templates.validate('bodyHtml', input.bodyHtml);
    if (input.bodyText) this.templates.validate('bodyText', input.bodyText);
  }

  /** A marketing rule may not go live before the store's CAN-SPAM details are complete (409 names what is missing). */
  private async assertCanSend(em: EntityManager, storeId: string): Promise<void> {
    assertCanSpamComplete(await em.findOneOrFail(StoreSchema, { id: storeId }), 'is required before a rule can be activated');
  }

  /** Days in the API; an ISO-8601 duration (`PT10S`) for short windows in tests and demos. */
  private windowSeconds(days: number | undefined, window: string | undefined, required: boolean): number | undefined {
    if (days !== undefined && window !== undefined) throw ValidationError.field('window', 'give windowDays or window, not both');
    if (days !== undefined) return days * 86_400;
    if (window === undefined) {
      if (required) throw ValidationError.field('windowDays', 'is required (a positive number of days)');
      return undefined;
    }
    const seconds = parseIsoDuration(window, 'window');
    if (seconds < 1 || !Number.isInteger(seconds)) throw ValidationError.field('window', 'must be a whole number of seconds, at least 1');
    return seconds;
  }
}
