import { proxyActivities } from '@temporalio/workflow';
import type { TestSendActivities, TestSendInput, TestSendResult } from './retention.contracts.js';

const { sendTestMessage } = proxyActivities<TestSendActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** Runs the test send where the email transport lives (the worker), so it goes out exactly as a real one would. */
export async function testSendWorkflow(input: TestSendInput): Promise<TestSendResult> {
  return sendTestMessage(input);
}
