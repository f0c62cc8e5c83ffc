import { textArrayLiteral } from './sql-arrays.js';

describe('textArrayLiteral', () => {
  it('quotes every element, so commas, braces, spaces and NULL stay text', () => {
    expect(textArrayLiteral(['a', 'b,c', '{d}', ' e ', 'NULL', ''])).toBe('{"a","b,c","{d}"," e ","NULL",""}');
  });

  it('escapes backslashes and double quotes', () => {
    expect(textArrayLiteral(['say "hi"', 'C:\\path'])).toBe('{"say \\"hi\\"","C:\\\\path"}');
  });

  it('is an empty array for no values', () => {
    expect(textArrayLiteral([])).toBe('{}');
  });
});
