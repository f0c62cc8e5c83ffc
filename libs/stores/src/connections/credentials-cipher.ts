import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The sealed format's version: a new key scheme gets a new prefix, and old rows stay readable. */
const VERSION = 'v1';

/** The sealed value could not be opened: wrong key, wrong context, or altered bytes. Never says which. */
export class SealedValueError extends Error {
  constructor() {
    super('sealed value cannot be opened (wrong key, wrong context or altered)');
    this.name = 'SealedValueError';
  }
}

/**
 * Seals secrets at rest (store credentials, our webhook secrets) with AES-256-GCM: a fresh 96-bit nonce per value,
 * and the row's context (store id and field) as additional authenticated data, so a sealed value copied into another
 * store's row or another column does not open.
 */
export class CredentialsCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the credentials key must be ${KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  /** `CREDENTIALS_KEY`: 32 bytes, base64 (standard or URL-safe). */
  static fromBase64(key: string): CredentialsCipher {
    return new CredentialsCipher(Buffer.from(key, 'base64'));
  }

  /** `v1.<nonce>.<ciphertext+tag>`, base64url parts: text, so a raw row shows at a glance that nothing is plain. */
  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const [version, nonceText, bodyText, ...rest] = sealed.split('.');
    if (version !== VERSION || !nonceText || bodyText === undefined || rest.length > 0) throw new SealedValueError();
    const nonce = Buffer.from(nonceText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SealedValueError();
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedValueError();
    }
  }
}
