/**
 * The agent: leases jobs through the agent protocol and runs them with the runner.
 *
 *   createEmbeddedAgent(options)  the agent inside `gantry server` (local backend, capacity slots)
 *   AgentPortClient               the protocol as an agent sees it (mirrors the engine's AgentPort)
 */
export { createEmbeddedAgent, type EmbeddedAgent, type EmbeddedAgentOptions, type JobRuntime } from './embedded-agent.js';
export type { AgentPortClient, AgentLease, AgentCheckout, AgentStepEvent, AgentLine } from './port.js';
export { LeaseReporter, type LeaseReporterOptions } from './lease-reporter.js';
export { startRemoteAgent, AgentCallError, type RemoteAgentOptions, type RunningRemoteAgent } from './remote/index.js';
