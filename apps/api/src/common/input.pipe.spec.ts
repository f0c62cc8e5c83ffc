import { DomainError } from '@boomerang/domain';
import { z } from 'zod';
import { IdParamsPipe, SchemaPipe } from './input.pipe.js';

const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

describe('IdParamsPipe', () => {
  const pipe = new IdParamsPipe();
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return null;
    } catch (err) {
      return (err as DomainError).code;
    }
  };

  it('answers 404 for any path parameter named …Id that is not a UUID, including routes not written yet', () => {
    for (const name of ['storeId', 'ruleId', 'emailId', 'customerId', 'segmentId']) {
      expect(codeOf(() => pipe.transform('-'.repeat(36), { type: 'param', data: name }))).toBe('not_found');
      expect(codeOf(() => pipe.transform('x\u0000', { type: 'param', data: name }))).toBe('not_found');
      expect(pipe.transform(UUID, { type: 'param', data: name })).toBe(UUID);
    }
  });

  it('answers 400 naming a query parameter named …Id that is not a UUID', () => {
    expect(codeOf(() => pipe.transform('nope', { type: 'query', data: 'customerId' }))).toBe('validation_failed');
    expect(codeOf(() => pipe.transform({ ruleId: 'nope' }, { type: 'query' }))).toBe('validation_failed');
    expect(pipe.transform({ ruleId: UUID, kind: 'x' }, { type: 'query' })).toEqual({ ruleId: UUID, kind: 'x' });
    expect(pipe.transform(undefined, { type: 'query', data: 'ruleId' })).toBeUndefined();
  });

  it('leaves other parameters and bodies to their own schemas', () => {
    expect(pipe.transform('pending', { type: 'param', data: 'kind' })).toBe('pending');
    expect(pipe.transform({ customerId: 'nope' }, { type: 'body' })).toEqual({ customerId: 'nope' });
  });
});

describe('SchemaPipe', () => {
  it('parses with the route schema and names the field', () => {
    const pipe = new SchemaPipe(z.object({ limit: z.coerce.number().int().max(10) }));
    expect(pipe.transform({ limit: '5' })).toEqual({ limit: 5 });
    try {
      pipe.transform({ limit: '50' });
      throw new Error('expected a validation error');
    } catch (err) {
      expect((err as DomainError).issues.map((i) => i.field)).toEqual(['limit']);
    }
  });
});
