import { withoutOpenPixel } from './outbox-view.js';

const pixel = '<img src="http://localhost:3000/api/v1/t/o/abc.def.gif" width="1" height="1" alt="" style="display: block; width: 1px; height: 1px; border: 0;">';

describe('withoutOpenPixel', () => {
  it('removes the open pixel the worker adds and nothing else', () => {
    const html = `<p>Hi <img src="https://cdn.example/logo.png" width="1" height="1" alt=""></p>${pixel}\n</body>`;
    expect(withoutOpenPixel(html)).toBe('<p>Hi <img src="https://cdn.example/logo.png" width="1" height="1" alt=""></p>\n</body>');
  });

  it('keeps a message without a pixel as it is', () => {
    expect(withoutOpenPixel('<p>plain</p>')).toBe('<p>plain</p>');
  });
});
