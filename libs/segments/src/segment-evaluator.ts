import type { EntityManager, Segment } from '@boomerang/persistence';
import type { SegmentDefinition } from './segment-definition.js';
import { compileSegment } from './segment-compiler.js';
import { SegmentMembershipRepository, type EvaluationResult, type MembershipCause } from './segment-membership.repository.js';
import { SegmentRepository } from './segment.repository.js';
import { storedDefinition } from './segments.service.js';

function readable(segment: Segment): SegmentDefinition | null {
  try {
    return storedDefinition(segment);
  } catch {
    return null;
  }
}

/** Re-evaluates memberships inside the caller's transaction: claimed due checks, or a whole segment after an edit. */
export class SegmentEvaluator {
  /**
   * Claims due checks (after a transaction, or a time-relative criterion running out) and evaluates them: one
   * statement per segment for its batch of customers. The cause is `time` when the check was not marked by a round.
   */
  async evaluateDue(em: EntityManager, now: Date, limit: number): Promise<{ claimed: number } & EvaluationResult> {
    const memberships = new SegmentMembershipRepository(em);
    const segments = new SegmentRepository(em);
    const due = await memberships.claimDue(now, limit);
    const total = { claimed: due.length, evaluated: 0, entered: 0, left: 0 };
    const groups = new Map<string, { storeId: string; segmentId: string; customerIds: string[]; byCause: Map<MembershipCause, string[]> }>();
    for (const check of due) {
      const group = groups.get(check.segmentId) ?? { storeId: check.storeId, segmentId: check.segmentId, customerIds: [] as string[], byCause: new Map<MembershipCause, string[]>() };
      group.customerIds.push(check.customerId);
      group.byCause.set(check.cause, [...(group.byCause.get(check.cause) ?? []), check.customerId]);
      groups.set(check.segmentId, group);
    }
    for (const group of [...groups.values()].sort((a, b) => a.segmentId.localeCompare(b.segmentId))) {
      const [segment] = await segments.byIds(group.storeId, [group.segmentId]);
      if (!segment) {
        await memberships.dropChecks(group.storeId, group.segmentId, group.customerIds);
        continue;
      }
      const definition = readable(segment);
      if (!definition) {
        // A definition that no longer parses (written by hand) evaluates nobody rather than blocking the queue.
        await memberships.dropChecks(group.storeId, group.segmentId, group.customerIds);
        continue;
      }
      const compiled = compileSegment(definition, { currency: await segments.currencyOf(group.storeId), now });
      for (const [kind, ids] of group.byCause) {
        const result = await memberships.evaluate(group.storeId, segment, compiled, { customerIds: ids }, now, kind);
        total.evaluated += result.evaluated;
        total.entered += result.entered;
        total.left += result.left;
      }
    }
    return total;
  }

  /** Evaluates every customer of one segment whose current version has not been (created or edited); false when none was due. */
  async evaluateNextSegment(em: EntityManager, now: Date): Promise<(EvaluationResult & { segmentId: string }) | null> {
    const segments = new SegmentRepository(em);
    const claimed = await segments.claimUnevaluated();
    if (!claimed) return null;
    const [segment] = await segments.byIds(claimed.storeId, [claimed.id]);
    const definition = readable(segment!);
    if (!definition) {
      await segments.markEvaluated(claimed.storeId, claimed.id, segment!.version, now);
      return { segmentId: claimed.id, evaluated: 0, entered: 0, left: 0 };
    }
    const compiled = compileSegment(definition, { currency: await segments.currencyOf(claimed.storeId), now });
    const result = await new SegmentMembershipRepository(em).evaluate(claimed.storeId, segment!, compiled, 'all', now, 'definition');
    await segments.markEvaluated(claimed.storeId, claimed.id, segment!.version, now);
    return { segmentId: claimed.id, ...result };
  }
}
