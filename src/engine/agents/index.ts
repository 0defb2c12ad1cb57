/**
 * The agents the server knows: createAgentRegistry() lists them with their state and running jobs,
 * pauses, resumes and drains them, and wraps the job queue so held-back agents get no lease.
 */
export {
  createAgentRegistry, type AgentRegistry, type AgentInfo, type AgentState, type AgentKind, type AgentRunningJob, type AgentRegistration,
} from './agent-registry.js';
