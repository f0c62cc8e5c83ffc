import { isGrpcServiceError, NamespaceNotFoundError } from '@temporalio/client';

/** gRPC status codes (https://grpc.io/docs/guides/status-codes/). */
const GRPC = { CANCELLED: 1, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, OUT_OF_RANGE: 11, UNAVAILABLE: 14 } as const;
const GRPC_NAMES = Object.fromEntries(Object.entries(GRPC).map(([name, code]) => [code, name])) as Record<number, string>;

/**
 * What a failed call to Temporal means for the caller:
 * - `permanent`: the server refused the request itself (an invalid id or argument); sending it again cannot help.
 * - `unavailable`: Temporal is unreachable, overloaded or not set up (no namespace); every call fails alike,
 *   so the caller should wait, not blame the request.
 * - `failed`: anything else (the server answered with another error, or our own code failed); worth a few retries.
 */
export type TemporalFailure = 'permanent' | 'unavailable' | 'failed';

const PERMANENT = new Set<number>([GRPC.INVALID_ARGUMENT, GRPC.OUT_OF_RANGE]);
const UNAVAILABLE = new Set<number>([GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED, GRPC.RESOURCE_EXHAUSTED, GRPC.CANCELLED]);

export function classifyTemporalFailure(err: unknown): TemporalFailure {
  if (err instanceof NamespaceNotFoundError) return 'unavailable';
  // The client wraps the gRPC error in a ServiceError; look one level down.
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if (!isGrpcServiceError(e)) continue;
    if (PERMANENT.has(e.code)) return 'permanent';
    if (UNAVAILABLE.has(e.code)) return 'unavailable';
    return 'failed';
  }
  return 'failed';
}

/** The reason to record for a failed call: the server's own message when there is one. */
export function temporalFailureMessage(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: number } };
  const cause = e?.cause && isGrpcServiceError(e.cause) ? `: ${GRPC_NAMES[e.cause.code] ?? `gRPC ${e.cause.code}`} ${e.cause.details || e.cause.message}` : '';
  return `${e?.message ?? String(err)}${cause}`;
}
