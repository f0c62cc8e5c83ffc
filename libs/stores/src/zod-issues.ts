// parseOrThrow moved to @boomerang/validation; kept here so existing imports from @boomerang/stores still work.
export { parseOrThrow } from '@boomerang/validation';
