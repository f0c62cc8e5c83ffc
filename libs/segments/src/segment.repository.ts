import { SegmentSchema, StoreSchema, type EntityManager, type Segment } from '@boomerang/persistence';
import { randomUUID } from 'node:crypto';
import type { SegmentDefinition } from './segment-definition.js';
import { boundQuery } from './sql.js';

/** Segments of a store. Every method takes the store id. */
export class SegmentRepository {
  constructor(private readonly em: EntityManager) {}

  list(storeId: string): Promise<Segment[]> {
    return this.em.find(SegmentSchema, { storeId }, { orderBy: { createdAt: 'asc', name: 'asc' } });
  }

  find(storeId: string, segmentId: string): Promise<Segment | null> {
    return this.em.findOne(SegmentSchema, { id: segmentId, storeId });
  }

  async create(storeId: string, name: string, definition: SegmentDefinition, now: Date): Promise<Segment> {
    const segment = this.em.create(SegmentSchema, {
      id: randomUUID(),
      storeId,
      name,
      definition: definition as unknown as Record<string, unknown>,
      defaultKey: null,
      version: 1,
      evaluatedVersion: 0,
      evaluatedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.em.flush();
    return segment;
  }

  /** A new definition means a new version: the worker evaluates every customer against it once. */
  async update(storeId: string, segment: Segment, changes: { name?: string; definition?: SegmentDefinition }, now: Date): Promise<Segment> {
    if (segment.storeId !== storeId) throw new Error('segment of another store');
    if (changes.name !== undefined) segment.name = changes.name;
    if (changes.definition !== undefined) {
      segment.definition = changes.definition as unknown as Record<string, unknown>;
      segment.version += 1;
    }
    segment.updatedAt = now;
    await this.em.flush();
    return segment;
  }

  async delete(storeId: string, segmentId: string): Promise<void> {
    await boundQuery(this.em, `delete from segment where store_id = ? and id = ?`, [storeId, segmentId]);
  }

  /** The segments of a store by id (the scheduler's batch), with the store's currency. */
  async byIds(storeId: string, ids: readonly string[]): Promise<Segment[]> {
    return ids.length ? this.em.find(SegmentSchema, { storeId, id: { $in: [...ids] } }) : [];
  }

  async currencyOf(storeId: string): Promise<string> {
    const store = await this.em.findOne(StoreSchema, { id: storeId }, { fields: ['currency'] });
    return store?.currency ?? 'USD';
  }

  /** Claims one segment whose current version has not been evaluated (created or edited), locked for the caller's transaction. */
  async claimUnevaluated(): Promise<{ id: string; storeId: string } | null> {
    const [row] = await boundQuery<{ id: string; store_id: string }>(
      this.em,
      `select id, store_id from segment where evaluated_version < version order by updated_at limit 1 for update skip locked`,
      [],
    );
    return row ? { id: row.id, storeId: row.store_id } : null;
  }

  async markEvaluated(storeId: string, segmentId: string, version: number, at: Date): Promise<void> {
    await boundQuery(this.em, `update segment set evaluated_version = ?, evaluated_at = ? where store_id = ? and id = ?`, [version, at, storeId, segmentId]);
  }

  /** Names of the store's rules (not deleted) whose audience is the segment. */
  async rulesTargeting(storeId: string, segmentId: string): Promise<string[]> {
    const rows = await boundQuery<{ name: string }>(
      this.em,
      `select name from retention_rule where store_id = ? and segment_id = ? and status <> 'deleted' order by name`,
      [storeId, segmentId],
    );
    return rows.map((r) => r.name);
  }

  async hasUnevaluated(): Promise<boolean> {
    const rows = await boundQuery(this.em, `select 1 from segment where evaluated_version < version limit 1`, []);
    return rows.length > 0;
  }
}
