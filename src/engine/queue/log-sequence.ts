import type { AgentLogLine } from '../agent-port.js';

/**
 * Which of an agent's log lines to store, given that lines 1..`storedUpTo` are stored already.
 * Lines are numbered per job; an agent resends what it is not sure arrived (after a cut connection,
 * from its spool), so a line at or below `storedUpTo` is dropped (idempotent on seq), and the first
 * gap ends the batch: the answer `upTo` tells the agent which seq to send from again.
 */
export function acceptInSequence(storedUpTo: number, lines: readonly AgentLogLine[]): { accepted: AgentLogLine[]; upTo: number } {
  const accepted: AgentLogLine[] = [];
  let upTo = storedUpTo;
  for (const line of [...lines].sort((a, b) => a.seq - b.seq)) {
    if (line.seq <= upTo) continue;
    if (line.seq !== upTo + 1) break;
    accepted.push(line);
    upTo = line.seq;
  }
  return { accepted, upTo };
}
