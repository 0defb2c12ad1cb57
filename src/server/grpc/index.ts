/**
 * The agent port: remote agents (`gantry agent`) reach the job queue over gRPC
 * (proto/gantry/agent/v1), authenticated by agent tokens, optionally over (mutual) TLS.
 */
export { startAgentGrpcServer, type AgentGrpcServer, type AgentTls } from './agent-grpc-server.js';
