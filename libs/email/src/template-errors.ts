/**
 * A template that cannot render for this message (over its render budget, output too large, a runtime error in the
 * template). Retrying cannot fix it: the send records the message as failed with `reason`, a test send answers 422.
 */
export type TemplateRenderFailure = 'render_budget_exceeded' | 'output_too_large' | 'render_error';

export class TemplateRenderError extends Error {
  constructor(
    readonly reason: TemplateRenderFailure,
    message: string,
    /** The template field that failed (`subject`, `bodyHtml`, `bodyText`), when known. */
    readonly field?: 'subject' | 'bodyHtml' | 'bodyText',
  ) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}
