import type { SubmitFunction } from '$app/forms';

/**
 * The enhancement every dashboard form uses: `set(true)` while the form action runs, then SvelteKit's default update
 * (`reset: false` keeps what the merchant typed, e.g. beside a field error), then `set(false)`.
 */
export function submitting(set: (value: boolean) => void, { reset = true }: { reset?: boolean } = {}): SubmitFunction {
  return () => {
    set(true);
    return async ({ update }) => {
      await update({ reset });
      set(false);
    };
  };
}
