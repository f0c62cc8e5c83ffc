import { ConflictError, NotFoundError } from './errors.js';
import { CustomerSchema, type EntityManager, type Segment } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import { compileSegment } from './segment-compiler.js';
import {
  createSegmentSchema,
  previewSegmentSchema,
  segmentDefinitionSchema,
  segmentMembersQuerySchema,
  updateSegmentSchema,
  type SegmentDefinition,
} from './segment-definition.js';
import { SegmentMembershipRepository } from './segment-membership.repository.js';
import { SegmentRepository } from './segment.repository.js';

/** Segments one store may hold: every transaction re-evaluates each of them for its customer. */
export const MAX_SEGMENTS_PER_STORE = 100;
export const PREVIEW_PAGE = 25;

export interface SegmentView {
  segment: Segment;
  definition: SegmentDefinition;
  memberCount: number;
  /** Edited (or new) and not yet evaluated against every customer: the members are those of the previous version. */
  evaluating: boolean;
}

export interface SegmentsServiceDeps {
  clock?: () => Date;
}

/** The definition as stored: parsed again, so a row written by hand (or by the defaults' SQL) is checked the same way. */
export function storedDefinition(segment: Segment): SegmentDefinition {
  return parseOrThrow(segmentDefinitionSchema, segment.definition, 'definition');
}

/** Segments of a store: CRUD, the builder's preview, members and a customer's memberships. */
export class SegmentsService {
  private readonly clock: () => Date;

  constructor(deps: SegmentsServiceDeps = {}) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async list(em: EntityManager, storeId: string): Promise<SegmentView[]> {
    const [segments, counts] = await Promise.all([new SegmentRepository(em).list(storeId), new SegmentMembershipRepository(em).counts(storeId)]);
    return segments.map((segment) => this.view(segment, counts.get(segment.id) ?? 0));
  }

  async get(em: EntityManager, storeId: string, segmentId: string): Promise<SegmentView> {
    const segment = await this.find(em, storeId, segmentId);
    const counts = await new SegmentMembershipRepository(em).counts(storeId);
    return this.view(segment, counts.get(segment.id) ?? 0);
  }

  async create(em: EntityManager, storeId: string, body: unknown): Promise<SegmentView> {
    const input = parseOrThrow(createSegmentSchema, body);
    const repository = new SegmentRepository(em);
    if ((await repository.list(storeId)).length >= MAX_SEGMENTS_PER_STORE) {
      throw new ConflictError(`a store may hold at most ${MAX_SEGMENTS_PER_STORE} segments`);
    }
    return this.view(await repository.create(storeId, input.name, input.definition, this.clock()), 0);
  }

  async update(em: EntityManager, storeId: string, segmentId: string, body: unknown): Promise<SegmentView> {
    const input = parseOrThrow(updateSegmentSchema, body);
    const segment = await this.find(em, storeId, segmentId);
    await new SegmentRepository(em).update(storeId, segment, input, this.clock());
    return this.get(em, storeId, segmentId);
  }

  /** Refused while a retention rule targets the segment: the rule would otherwise silently reach nobody (or everyone). */
  async delete(em: EntityManager, storeId: string, segmentId: string): Promise<void> {
    await this.find(em, storeId, segmentId);
    const rules = await new SegmentRepository(em).rulesTargeting(storeId, segmentId);
    if (rules.length) throw new ConflictError(`the segment is the audience of ${rules.length} workflow(s) (${rules.slice(0, 3).join(', ')}): change their audience first`);
    await em.transactional(async (tx) => {
      await new SegmentMembershipRepository(tx).removeSegment(storeId, segmentId);
      await new SegmentRepository(tx).delete(storeId, segmentId);
    });
  }

  /** "Next" in the builder: how many customers the definition selects now, and the first of them; nothing is saved. */
  async preview(em: EntityManager, storeId: string, body: unknown) {
    const input = parseOrThrow(previewSegmentSchema, body);
    const currency = await new SegmentRepository(em).currencyOf(storeId);
    const compiled = compileSegment(input.definition, { currency, now: this.clock() });
    return new SegmentMembershipRepository(em).preview(storeId, compiled, input.limit ?? PREVIEW_PAGE);
  }

  async members(em: EntityManager, storeId: string, segmentId: string, query: unknown) {
    const { limit, offset } = parseOrThrow(segmentMembersQuerySchema, query ?? {});
    await this.find(em, storeId, segmentId);
    return { limit, offset, ...(await new SegmentMembershipRepository(em).members(storeId, segmentId, limit, offset)) };
  }

  /** The customer's current segments and their history of entering and leaving (a customer of another store: 404). */
  async ofCustomer(em: EntityManager, storeId: string, customerId: string) {
    const customer = await em.findOne(CustomerSchema, { id: customerId, storeId }, { fields: ['id'] });
    if (!customer) throw new NotFoundError('customer', customerId);
    const memberships = new SegmentMembershipRepository(em);
    return { segments: await memberships.ofCustomer(storeId, customerId), history: await memberships.historyOf(storeId, customerId) };
  }

  private async find(em: EntityManager, storeId: string, segmentId: string): Promise<Segment> {
    const segment = await new SegmentRepository(em).find(storeId, segmentId);
    if (!segment) throw new NotFoundError('segment', segmentId);
    return segment;
  }

  private view(segment: Segment, memberCount: number): SegmentView {
    return { segment, definition: storedDefinition(segment), memberCount, evaluating: segment.evaluatedVersion < segment.version };
  }
}
