/** Where `worker:build` writes the production workflow bundle. */
export const BUNDLE_PATH = new URL('../dist/workflow-bundle.js', import.meta.url).pathname;
