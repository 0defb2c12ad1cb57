/**
 * The remote agent (`gantry agent`): the embedded agent's loop over the agent port (gRPC).
 */
export { startRemoteAgent, type RemoteAgentOptions, type RunningRemoteAgent } from './remote-agent.js';
export { AgentCallError } from './agent-client.js';
