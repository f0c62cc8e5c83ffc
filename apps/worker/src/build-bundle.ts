// `worker:build` writes the production workflow bundle, so the worker never runs webpack at start-up.
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { compiledWorkflowsPath } from './retention-worker.js';
import { BUNDLE_PATH } from './bundle-path.js';

const { code } = await bundleWorkflowCode({ workflowsPath: compiledWorkflowsPath() });
await writeFile(BUNDLE_PATH, code);
console.log(`workflow bundle written to ${BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
