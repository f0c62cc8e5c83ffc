import { isWellFormedToken, randomToken, sha256 } from './secret-token.js';
import { profileLinkEmail } from './profile-link-email.js';

describe('profile link tokens', () => {
  it('are 256 random bits in base64url, different every time, stored only as a sha256', () => {
    const a = randomToken();
    const b = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(sha256(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256(a)).not.toBe(sha256(b));
  });

  it('are checked for shape before any lookup', () => {
    const token = randomToken();
    expect(isWellFormedToken(token)).toBe(true);
    expect(isWellFormedToken(`bmp_${token}`, 'bmp_')).toBe(true);
    for (const bad of [undefined, null, 42, '', 'abc', `${token}x`, token.slice(1), `${token.slice(0, 42)}=`, `${token.slice(0, 42)}/`, `bmp_${token}`]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
    expect(isWellFormedToken(token, 'bmp_')).toBe(false);
  });
});

describe('profileLinkEmail', () => {
  it('names the store, the link and its limits, and escapes what it is given', () => {
    const mail = profileLinkEmail('Bean <There>', 'Ann & Co', 'https://dash.example/privacy/abc', 15);
    expect(mail.subject).toBe('Your data at Bean <There>');
    expect(mail.tag).toBe('privacy-profile-link');
    expect(mail.text).toContain('See my data: https://dash.example/privacy/abc');
    expect(mail.text).toContain('works once and for 15 minutes');
    expect(mail.html).toContain('Bean &#60;There&#62;');
    expect(mail.html).toContain('Hi Ann &#38; Co,');
    expect(mail.html).not.toContain('<There>');
  });
});
