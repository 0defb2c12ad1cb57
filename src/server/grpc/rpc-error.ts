import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { AGENT_CODE_METADATA as CODE_METADATA } from '../../agent-protocol/index.js';
import { toGantryError, type ErrorCode } from '../../core/index.js';

/** A refusal with a gRPC status and a Gantry error code. */
export class RpcError extends Error {
  constructor(readonly grpcCode: status, readonly code: ErrorCode, message: string) {
    super(message);
  }
}

const GRPC_STATUS: Partial<Record<ErrorCode, status>> = {
  LEASE_STALE: status.FAILED_PRECONDITION,
  AGENT_PROTOCOL_MISMATCH: status.FAILED_PRECONDITION,
  AGENT_NOT_FOUND: status.NOT_FOUND,
  API_INVALID_REQUEST: status.INVALID_ARGUMENT,
  STORE_UNAVAILABLE: status.UNAVAILABLE,
};

/** Any error → what grpc-js sends: status, message, and the Gantry code in the trailers. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (err instanceof RpcError) {
    metadata.set(CODE_METADATA, err.code);
    return { code: err.grpcCode, details: err.message, metadata };
  }
  const gantry = toGantryError(err);
  metadata.set(CODE_METADATA, gantry.code);
  return { code: GRPC_STATUS[gantry.code] ?? status.INTERNAL, details: gantry.message, metadata };
}
