/**
 * Labels on everything Gantry creates in the engine (containers, networks, volumes): how a crashed
 * agent's leftovers are found (`gantry.managed` + `gantry.agent`), and what a person sees in
 * `docker ps`. Values are data for the engine, never parsed back except for these filters.
 */
export const MANAGED_LABEL = 'gantry.managed';
export const AGENT_LABEL = 'gantry.agent';
export const JOB_LABEL = 'gantry.job';

export function jobLabels(agentId: string, jobId: string): Record<string, string> {
  return { [MANAGED_LABEL]: 'true', [AGENT_LABEL]: agentId, [JOB_LABEL]: jobId };
}

/** Engine list filters for everything one agent created. */
export function agentFilter(agentId: string): { label: string[] } {
  return { label: [`${MANAGED_LABEL}=true`, `${AGENT_LABEL}=${agentId}`] };
}

/** A name part the engine accepts (`[a-zA-Z0-9][a-zA-Z0-9_.-]`), short enough to read. */
export function namePart(text: string, max = 40): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, max);
  return cleaned === '' ? 'x' : cleaned;
}
