import { randomBytes } from 'node:crypto';
import { CredentialsCipher, SealedValueError } from './credentials-cipher.js';

const KEY = randomBytes(32);
const CONTEXT = 'store:7f1c2d4e-0000-4000-8000-000000000001:credentials';
const SECRET = '{"accessToken":"shpat_0123456789abcdef","apiSecretKey":"shpss_fedcba9876543210"}';

/** Flips one bit of the decoded part `index` (1 nonce, 2 ciphertext+tag) at `offset`. */
function flip(sealed: string, index: 1 | 2, offset: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[offset < 0 ? bytes.length + offset : offset]! ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('CredentialsCipher', () => {
  const cipher = new CredentialsCipher(KEY);

  it('opens what it sealed, and the sealed text holds no plaintext', () => {
    const sealed = cipher.seal(SECRET, CONTEXT);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('shpat_');
    expect(cipher.open(sealed, CONTEXT)).toBe(SECRET);
    expect(cipher.open(cipher.seal('', CONTEXT), CONTEXT)).toBe('');
    expect(cipher.open(cipher.seal('café ☕', CONTEXT), CONTEXT)).toBe('café ☕');
  });

  it('reads the key from base64, as CREDENTIALS_KEY gives it', () => {
    const fromEnv = CredentialsCipher.fromBase64(KEY.toString('base64'));
    expect(fromEnv.open(cipher.seal(SECRET, CONTEXT), CONTEXT)).toBe(SECRET);
    expect(() => CredentialsCipher.fromBase64(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('refuses a value altered anywhere: ciphertext, tag, nonce, version or shape', () => {
    const sealed = cipher.seal(SECRET, CONTEXT);
    expect(() => cipher.open(flip(sealed, 2, 0), CONTEXT)).toThrow(SealedValueError);
    expect(() => cipher.open(flip(sealed, 2, -1), CONTEXT)).toThrow(SealedValueError);
    expect(() => cipher.open(flip(sealed, 1, 0), CONTEXT)).toThrow(SealedValueError);
    expect(() => cipher.open(sealed.replace(/^v1/, 'v2'), CONTEXT)).toThrow(SealedValueError);
    expect(() => cipher.open(sealed.slice(0, -4), CONTEXT)).toThrow(SealedValueError);
    expect(() => cipher.open(`${sealed}.x`, CONTEXT)).toThrow(SealedValueError);
    expect(() => cipher.open('v1..', CONTEXT)).toThrow(SealedValueError);
    expect(() => cipher.open('not sealed', CONTEXT)).toThrow(SealedValueError);
  });

  it('refuses the wrong key', () => {
    const sealed = cipher.seal(SECRET, CONTEXT);
    expect(() => new CredentialsCipher(randomBytes(32)).open(sealed, CONTEXT)).toThrow(SealedValueError);
  });

  it('binds a value to its context: copied into another store or column, it does not open', () => {
    const sealed = cipher.seal(SECRET, CONTEXT);
    expect(() => cipher.open(sealed, CONTEXT.replace('0001', '0002'))).toThrow(SealedValueError);
    expect(() => cipher.open(sealed, CONTEXT.replace('credentials', 'webhook-secret'))).toThrow(SealedValueError);
  });

  it('uses a fresh nonce every time: the same secret never seals to the same text', () => {
    const sealed = Array.from({ length: 200 }, () => cipher.seal(SECRET, CONTEXT));
    const nonces = new Set(sealed.map((s) => s.split('.')[1]));
    expect(nonces.size).toBe(200);
    expect(new Set(sealed).size).toBe(200);
  });
});
