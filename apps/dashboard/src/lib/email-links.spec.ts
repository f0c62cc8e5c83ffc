import { linksOf } from './email-links.js';

describe('linksOf', () => {
  it('finds each http(s) link once, without trailing punctuation', () => {
    const text = 'Verify: http://localhost:5173/verify?token=abc_123. Or sign in at https://x.example/sign-in, (see https://x.example/sign-in)';
    expect(linksOf(text)).toEqual(['http://localhost:5173/verify?token=abc_123', 'https://x.example/sign-in']);
  });

  it('ignores other schemes', () => {
    expect(linksOf('javascript:alert(1) mailto:a@b.example')).toEqual([]);
  });
});
