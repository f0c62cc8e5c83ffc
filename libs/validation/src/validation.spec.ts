import { ValidationError } from '@boomerang/domain';
import { z } from 'zod';
import { assertSafeJson, currency, email, externalId, httpUrl, instant, isTimeZone, isUuid, money, parseOrThrow, text, timeZone, uuid } from './index.js';

const ok = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

describe('text', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone high surrogate', 'ok \ud83d'],
    ['a lone low surrogate', '\ude00 ok'],
    ['too long', 'x'.repeat(256)],
    ['empty after trimming', '   '],
    ['not a string', 42],
  ])('refuses %s', (_, value) => {
    expect(ok(text(255), value)).toBe(false);
  });

  it('stops at the length bound: the NUL scan never looks at an oversized string', () => {
    const result = text(10).safeParse(`\u0000${'x'.repeat(100_000)}`);
    expect(new Set(result.success ? [] : result.error.issues.map((i) => i.message))).toEqual(new Set(['must be at most 10 characters']));
  });

  it('accepts and trims ordinary text, emoji included', () => {
    expect(text(255).parse('  Café 😀  ')).toBe('Café 😀');
    expect(text(255, { min: 0 }).parse('')).toBe('');
  });
});

describe('ids', () => {
  it('accepts exactly the canonical UUID form', () => {
    expect(isUuid('3f2504e0-4f89-41d3-9a0c-0305e82c3301')).toBe(true);
    expect(isUuid('-'.repeat(36))).toBe(false);
    expect(isUuid('3f2504e0-4f89-41d3-9a0c-0305e82c330')).toBe(false);
    expect(isUuid('3f2504e0-4f89-41d3-9a0c-0305e82c3301x')).toBe(false);
    expect(ok(uuid(), 'g'.repeat(8) + '-0000-0000-0000-000000000000')).toBe(false);
  });

  it('bounds external ids and keeps numbers as text', () => {
    expect(externalId().parse(1001)).toBe('1001');
    expect(ok(externalId(), 'x'.repeat(256))).toBe(false);
    expect(ok(externalId(), 'a\u0000')).toBe(false);
    expect(ok(externalId(), 1e300)).toBe(false);
  });
});

describe('instant', () => {
  const order = instant();
  it.each(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '4000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '1999-12-31T23:59:59Z', 'yesterday', '2026-11-01', '1'])(
    'refuses %s as an order date',
    (value) => {
      expect(ok(order, value)).toBe(false);
    },
  );

  it('accepts a recent date-time with an offset, and a little clock skew', () => {
    expect(ok(order, '2026-11-01T10:00:00+01:00')).toBe(true);
    expect(ok(order, new Date(Date.now() + 3_600_000).toISOString())).toBe(true);
    expect(ok(order, '2019-11-05T16:33:54.9070259Z')).toBe(true);
  });

  it('lets filters name a plain date, within range', () => {
    const filter = instant({ allowDate: true, maxAheadMs: 100 * 365 * 86_400_000 });
    expect(ok(filter, '2026-11-01')).toBe(true);
    expect(ok(filter, '0000-01-01')).toBe(false);
    expect(ok(filter, '+275760-09-13')).toBe(false);
  });
});

describe('money and currency', () => {
  it('yields the exact decimal', () => {
    expect(money().parse(1.005)).toBe('1.005');
    expect(money().parse('18.50')).toBe('18.50');
  });

  it.each([1e17, 1e308, -0.01, '1e3', 'free', null])('refuses %p', (value) => {
    expect(ok(money(), value)).toBe(false);
  });

  it('accepts ISO 4217 codes only', () => {
    expect(currency().parse('jpy')).toBe('JPY');
    expect(currency().parse('BHD')).toBe('BHD');
    expect(ok(currency(), 'ZZZ')).toBe(false);
    expect(ok(currency(), 'BTC')).toBe(false);
    expect(ok(currency(), 'USDT')).toBe(false);
  });
});

describe('time zones, URLs and emails', () => {
  it('knows IANA zones and UTC', () => {
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(ok(timeZone(), 'Mars/Olympus')).toBe(false);
    expect(ok(timeZone(), 'x'.repeat(10_000))).toBe(false);
  });

  it('accepts http and https URLs only', () => {
    expect(ok(httpUrl(), 'https://shop.example/logo.png')).toBe(true);
    expect(ok(httpUrl(), 'http://shop.example')).toBe(true);
    expect(ok(httpUrl(), 'javascript:alert(1)')).toBe(false);
    expect(ok(httpUrl(), 'JavaScript://shop.example/%0aalert(1)')).toBe(false);
    expect(ok(httpUrl(), 'data:text/html,hi')).toBe(false);
    expect(ok(httpUrl(), '/relative')).toBe(false);
    expect(ok(httpUrl(255), `https://shop.example/${'x'.repeat(255)}`)).toBe(false);
  });

  it('bounds emails at 254 characters', () => {
    expect(email().parse(' a@b.example ')).toBe('a@b.example');
    expect(ok(email(), `${'a'.repeat(250)}@b.co`)).toBe(false);
    expect(ok(email(), `${'😀'.repeat(240)}@x.co`)).toBe(false);
    expect(ok(email(), 'a\u0000@b.example')).toBe(false);
    expect(ok(email(), 'nope')).toBe(false);
    expect(ok(email(), `${'İ'.repeat(200)}@x.co`)).toBe(false);
    expect(ok(email(), `${'İ'.repeat(100)}@x.co`)).toBe(true);
  });
});

describe('assertSafeJson', () => {
  const deep = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n));

  it('refuses deep nesting without using the stack', () => {
    expect(() => assertSafeJson(deep(10_000))).toThrow(/deeper than 32/);
    expect(() => assertSafeJson(deep(32))).not.toThrow();
  });

  it('names the field holding NUL or a lone surrogate, in strings and keys', () => {
    expect(() => assertSafeJson({ a: [{ b: 'x\u0000' }] })).toThrow(ValidationError);
    try {
      assertSafeJson({ a: [{ b: '\ud800' }] });
    } catch (err) {
      expect((err as ValidationError).issues[0]!.field).toBe('a.0.b');
    }
    expect(() => assertSafeJson({ 'k\u0000': 1 })).toThrow(/key/);
  });
});

describe('parseOrThrow', () => {
  it('names nested fields with dotted paths', () => {
    try {
      parseOrThrow(z.object({ a: z.array(z.object({ b: text(3) })) }), { a: [{ b: 'long' }] });
      throw new Error('expected a validation error');
    } catch (err) {
      expect((err as ValidationError).issues).toEqual([{ field: 'a.0.b', message: 'must be at most 3 characters' }]);
    }
  });
});
