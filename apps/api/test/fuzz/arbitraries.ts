import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** A JSON token written as is (numbers JavaScript cannot hold: `1e400`, 30 digits). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify that writes RawJson tokens verbatim; lone surrogates come out as `\udXXX` escapes, as JSON allows. */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  if (text === undefined) return 'null';
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_, i: string) => raws[Number(i)]!);
}

/**
 * Percent-encodes for a URL; a lone surrogate (which encodeURIComponent refuses) becomes its three WTF-8 bytes,
 * which is what a hostile client can send: invalid UTF-8 that the server must refuse politely.
 */
export function pct(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const next = value.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(value[i]!);
    }
  }
  return out;
}

export const DATE_STRINGS = [
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '+275760-09-13',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '4000-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2026-02-30',
  '2026-13-01',
  '2026-11-22T25:61:61Z',
  '2026-11-22T10:00:00+14:00',
  '1e999',
  '0',
  '-1',
  'now',
  'Tue, 01 Jan 2030 00:00:00 GMT',
];

export const SPECIAL_STRINGS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ufeff',
  '\u202e',
  '-'.repeat(36),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
  `${'😀'.repeat(240)}@x.co`,
  `${'a'.repeat(250)}@example.com`,
  'a'.repeat(256),
  'a'.repeat(10_000),
  '../../etc/passwd',
  '%',
  '%00',
  '%ZZ',
  '{{',
  '{{log "x"}}',
  '{{#each products}}{{#each ../products}}{{#each ../../products}}x{{/each}}{{/each}}{{/each}}',
  '{{#each products}}{{#each @root.products}}x{{/each}}{{/each}}',
  `${'<div>'.repeat(5000)}x${'</div>'.repeat(5000)}`,
  `${'{{#if customer.firstName}}'.repeat(300)}x${'{{/if}}'.repeat(300)}`,
  // Issue 10's defect 1: validating it took 10.8 s on the api's event loop.
  `${'{{#if customer.firstName}}'.repeat(5000)}x${'{{/if}}'.repeat(5000)}`,
  `<p title="${'<a '.repeat(32_000)}">x</p>`,
  `<p title="${'<a '.repeat(3000)}">x</p>`,
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'data:text/html,x',
  'http://',
  'https://example.com/' + 'a'.repeat(300),
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '1e999',
  '0x10',
  ' 1 ',
  'true',
  '__proto__',
  'constructor',
  'Mars/Olympus',
  'Etc/GMT+14',
  'P5000W',
  'PT0S',
  'P99999999D',
  'PT1S',
  'ZZZ',
  'BTC',
  'usd',
  'UTC',
  'within_window',
  'include_overdue',
  'active',
  'deleted',
  'refunded',
  'Delivery',
  'Bounce',
  ...DATE_STRINGS,
];

const repeated = fc
  .tuple(fc.constantFrom('a', '😀', '\u0000', '-', 'é', '\ud800', '{{', '<b>'), fc.integer({ min: 100, max: 1200 }))
  .map(([c, n]) => c.repeat(n));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: repeated },
  { weight: 1, arbitrary: fc.uuid() },
);

export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom<unknown>(
    0,
    -1,
    1,
    0.1,
    1.005,
    -0,
    1e17,
    1e308,
    -1e308,
    5e-324,
    2 ** 53 + 1,
    2 ** 31,
    -(2 ** 31) - 1,
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('0.1000000000000000000000000001'),
  ),
);

/** Any replacement value for one field of a valid body. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Small edits of a valid string: still almost right, one bad character or far too long. */
function tweakString(s: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    `${s}\u0000`,
    `\u0000${s}`,
    `${s}\ud800`,
    `${s.slice(0, 1)}\udfff${s.slice(1)}`,
    s.repeat(Math.ceil(300 / Math.max(1, s.length))),
    s.repeat(Math.ceil(70_000 / Math.max(1, s.length))),
    ` ${s} `,
    s.toUpperCase(),
    `${s}😀`.repeat(50),
    s.slice(1),
    '',
  );
}

type Path = (string | number)[];

/** Every node of a JSON value except the root, as paths. */
export function nodePaths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push([...prefix, i], ...nodePaths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...nodePaths(v, [...prefix, k]));
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], value);
}

function setAt(value: unknown, path: Path, replacement: unknown, remove = false): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (Array.isArray(parent)) parent[Number(key)] = replacement;
  // An own property even for `__proto__`, so the JSON sent really carries that key.
  else Object.defineProperty(parent, key, { value: replacement, enumerable: true, writable: true, configurable: true });
  return copy;
}

export interface Mutation {
  body: unknown;
  /** The field the mutation touched, as the api names fields (`lineItems.0.price`). */
  field: string;
  op: string;
}

/**
 * One field of a valid body changed at a time (replaced, tweaked, removed, or an unknown sibling added), so validation
 * is exercised past the first field. A replacement that is a valid value of some field of the route's seeds (`Bounce`
 * for a RecordType) is `replace-valid`: the body may then be another valid variant whose own fields are missing.
 */
export function mutationOf(seed: unknown, valid: Set<string> = new Set()): fc.Arbitrary<Mutation> {
  const paths = nodePaths(seed);
  if (!paths.length) return fc.constant({ body: seed, field: '', op: 'seed' });
  return fc.constantFrom(...paths).chain((path) => {
    const field = path.join('.');
    const current = getAt(seed, path);
    const parent = getAt(seed, path.slice(0, -1));
    const ops: fc.Arbitrary<Mutation>[] = [
      hostileValue.map((v) => ({ body: setAt(seed, path, v), field, op: typeof v === 'string' && valid.has(v) ? 'replace-valid' : 'replace' })),
      fc.constant({ body: setAt(seed, path, undefined, true), field, op: 'remove' }),
    ];
    // An unknown key beside the field (objects only: an array has no keys to add).
    if (parent && typeof parent === 'object' && !Array.isArray(parent))
      ops.push(
        fc
          .tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', ''), fc.string({ maxLength: 8 })), hostileValue)
          .map(([k, v]) => ({ body: setAt(seed, [...path.slice(0, -1), k], v), field: [...path.slice(0, -1), k].join('.'), op: 'add' })),
      );
    if (typeof current === 'string') ops.push(tweakString(current).map((v) => ({ body: setAt(seed, path, v), field, op: 'tweak' })));
    if (typeof current === 'number')
      ops.push(
        fc.constantFrom(current + 0.5, -current, current * 1e12, current + 1e-9).map((v) => ({ body: setAt(seed, path, v), field, op: 'tweak' })),
      );
    if (Array.isArray(current))
      ops.push(
        fc
          .integer({ min: 2, max: 2000 })
          .map((n) => ({ body: setAt(seed, path, Array.from({ length: n }, () => current[0] ?? 'x')), field, op: 'grow' })),
      );
    return fc.oneof(...ops);
  });
}

/** Bodies no client should send: deep nesting, numbers JSON.parse cannot hold, bytes that are not UTF-8. */
export const RAW_BODIES: Record<string, () => Buffer> = {
  'nested arrays ×10000': () => Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
  'nested objects ×10000': () => Buffer.from(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
  'nested arrays ×100000 (unclosed)': () => Buffer.from('['.repeat(100_000)),
  'huge number': () => Buffer.from('1e400'),
  'number as body': () => Buffer.from('42'),
  'string as body': () => Buffer.from('"\\u0000"'),
  'null body': () => Buffer.from('null'),
  'empty': () => Buffer.alloc(0),
  'truncated': () => Buffer.from('{"id": "x", '),
  'invalid utf-8': () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0xff, 0x22, 0x7d]),
  'utf-8 bom': () => Buffer.from('\ufeff{}'),
  'nul bytes': () => Buffer.from([0, 0, 0, 0]),
  'duplicate keys': () => Buffer.from('{"name":"a","name":"\\u0000"}'),
  'proto pollution': () => Buffer.from('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'),
  'form encoded': () => Buffer.from('name=a&b=c'),
  'just over 1 MiB': () => Buffer.from(JSON.stringify({ name: 'a'.repeat(1024 * 1024) })),
  'gzip bomb-ish': () => gzipSync(Buffer.from(JSON.stringify({ name: 'a'.repeat(2 * 1024 * 1024) }))),
};

export const rawBody = fc.constantFrom(...Object.keys(RAW_BODIES));

export const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=utf-16le',
  'application/json; charset=latin1',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/vnd.api+json',
  '*/*',
  'application/octet-stream',
];

export const CONTENT_ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'];

export const QUERY_KEYS = ['from', 'to', 'ruleId', 'limit', 'cursor', 'kind', 'backfill'];

export const RAW_QUERIES = [
  '?%',
  '?from=%ZZ',
  '?a=%00',
  '?ruleId=%ED%A0%80',
  `?${'a=1&'.repeat(2000)}`,
  `?ruleId=${'-'.repeat(36)}`,
  '?ruleId=a&ruleId=b',
  '?ruleId[x]=1',
  '?limit=1&limit=2',
  '?from=0000-01-01',
  '?from=%2B275760-09-13',
  '?to=-271821-04-20T00:00:00Z',
];

/** Cursors a client could forge: base64url JSON that names a time and an id, each hostile. */
export const forgedCursor: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.constantFrom(...DATE_STRINGS), hostileString), fc.oneof(fc.constant('-'.repeat(36)), fc.uuid(), hostileString))
  .map(([time, id]) => Buffer.from(JSON.stringify([time, id])).toString('base64url'));
