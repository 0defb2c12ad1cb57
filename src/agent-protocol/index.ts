/**
 * The wire protocol between the server and remote agents (proto/gantry/agent/v1/agent.proto).
 * Both sides import it from here: the server's gRPC service (src/server/grpc) and the remote agent
 * (src/agent/remote). The generated code is committed (`npm run proto` regenerates it; a test fails
 * when it is out of date).
 */
export * as wire from './generated/gantry/agent/v1/agent.js';
export { AgentServiceClient, AgentServiceService, type AgentServiceServer } from './generated/gantry/agent/v1/agent.js';

/** Bumped on every incompatible change of the protocol; Register refuses a different one. */
export const PROTOCOL_VERSION = 1;

/** Metadata key of the agent's token (`Bearer <token>`). */
export const AUTH_METADATA = 'authorization';

/** Trailer of a refused call with its Gantry error code (LEASE_STALE, AUTH_INVALID_TOKEN…). */
export const AGENT_CODE_METADATA = 'gantry-code';
