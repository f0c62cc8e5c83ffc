import { NamespaceNotFoundError, ServiceError } from '@temporalio/client';
import { classifyTemporalFailure, temporalFailureMessage } from './temporal-errors.js';

/** The shape @grpc/grpc-js gives a failed call, wrapped the way the Temporal client wraps it. */
function failedCall(code: number, details: string): ServiceError {
  const grpc = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new ServiceError('Failed to signalWithStart Workflow', { cause: grpc });
}

describe('classifyTemporalFailure', () => {
  it('calls a request the server refused permanent', () => {
    expect(classifyTemporalFailure(failedCall(3, 'WorkflowId length exceeds limit.'))).toBe('permanent');
  });

  it('calls an unreachable, overloaded or unset-up server unavailable, blaming no request', () => {
    expect(classifyTemporalFailure(failedCall(14, 'connection refused'))).toBe('unavailable');
    expect(classifyTemporalFailure(failedCall(4, 'Deadline exceeded'))).toBe('unavailable');
    expect(classifyTemporalFailure(failedCall(8, 'namespace rate limit exceeded'))).toBe('unavailable');
    expect(classifyTemporalFailure(new NamespaceNotFoundError('default'))).toBe('unavailable');
  });

  it('calls anything else a failure worth a few retries', () => {
    expect(classifyTemporalFailure(failedCall(13, 'internal'))).toBe('failed');
    expect(classifyTemporalFailure(new TypeError('our own bug'))).toBe('failed');
  });

  it('records the server\'s own reason', () => {
    expect(temporalFailureMessage(failedCall(3, 'WorkflowId length exceeds limit.'))).toBe(
      'Failed to signalWithStart Workflow: INVALID_ARGUMENT WorkflowId length exceeds limit.',
    );
  });
});
