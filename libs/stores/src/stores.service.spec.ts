import { createStoreSchema, storedLinks, updateStoreSchema } from './stores.service.js';

describe('store settings schema (issue 10, defects 4 and 12)', () => {
  const fieldsOf = (schema: typeof updateStoreSchema | typeof createStoreSchema, body: unknown) => {
    const result = schema.safeParse(body);
    return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
  };

  it('validates the time zone on update as on creation', () => {
    expect(fieldsOf(updateStoreSchema, { timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    expect(fieldsOf(createStoreSchema, { name: 'X', timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    expect(fieldsOf(updateStoreSchema, { timezone: 'America/New_York' })).toEqual([]);
  });

  it('accepts a partial set of social links and refuses non-http ones', () => {
    expect(updateStoreSchema.parse({ socialLinks: { instagram: 'https://instagram.com/shop' } })).toEqual({
      socialLinks: { instagram: 'https://instagram.com/shop' },
    });
    expect(fieldsOf(updateStoreSchema, { socialLinks: { x: 'javascript:alert(1)' } })).toEqual(['socialLinks.x']);
  });

  it('bounds every setting by its column', () => {
    expect(fieldsOf(updateStoreSchema, { logoUrl: `https://cdn.example/${'l'.repeat(250)}` })).toEqual(['logoUrl']);
    expect(fieldsOf(updateStoreSchema, { street: 's'.repeat(256) })).toEqual(['street']);
    expect(fieldsOf(updateStoreSchema, { companyName: 'a\u0000' })).toEqual(['companyName']);
  });

  it('reads links stored as text by rows created before the fix', () => {
    expect(storedLinks('{}')).toEqual({});
    expect(storedLinks({ x: 'https://x.com/a' })).toEqual({ x: 'https://x.com/a' });
  });
});
