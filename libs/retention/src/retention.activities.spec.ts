import { TemplateRenderError } from '@boomerang/email';
import { permanentFailure } from './retention.activities.js';

describe('permanentFailure: what a send records as failed instead of retrying', () => {
  it('takes the reason of a template that cannot render', () => {
    expect(permanentFailure(new TemplateRenderError('render_budget_exceeded', 'too slow'))).toBe('render_budget_exceeded');
    expect(permanentFailure(new TemplateRenderError('output_too_large', 'too big'))).toBe('output_too_large');
  });

  it('names stored data Intl or the code cannot use', () => {
    const badCurrency = (() => {
      try {
        new Intl.NumberFormat('en-US', { style: 'currency', currency: 'b$d' });
      } catch (err) {
        return err;
      }
    })();
    expect(permanentFailure(badCurrency)).toBe('invalid_store_data');
    expect(permanentFailure(new TypeError("Cannot read properties of null (reading 'lines')"))).toBe('invalid_stored_value');
  });

  it('leaves everything else to be retried (database, network, provider)', () => {
    expect(permanentFailure(new Error('connection terminated unexpectedly'))).toBeNull();
    expect(permanentFailure(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeNull();
  });
});
