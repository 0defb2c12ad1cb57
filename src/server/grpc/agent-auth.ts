import { timingSafeEqual } from 'node:crypto';
import { status, type Metadata } from '@grpc/grpc-js';
import { AUTH_METADATA } from '../../agent-protocol/index.js';
import type { AgentToken, AgentTokenStore } from '../../store/index.js';
import { hashToken } from '../auth/index.js';
import { RpcError } from './rpc-error.js';

/**
 * Checks the agent token of EVERY call (so a revoked token is refused at its very next call): the
 * lookup is by sha256, and the found hash is compared again in constant time. lastUsedAt is
 * refreshed at most once a minute per token, off the call's path.
 */
export function createAgentAuth(tokens: AgentTokenStore, now: () => number, onTouchError: (err: unknown) => void) {
  const lastTouch = new Map<number, number>();
  return async function authenticate(metadata: Metadata): Promise<AgentToken> {
    const header = metadata.get(AUTH_METADATA)[0];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new RpcError(status.UNAUTHENTICATED, 'AUTH_REQUIRED', 'no agent token: pass --token (GANTRY_AGENT_TOKEN)');
    const hash = hashToken(match[1]!);
    const found = await tokens.findByHash(hash);
    if (!found || !timingSafeEqual(Buffer.from(found.hash, 'hex'), Buffer.from(hash, 'hex'))) {
      throw new RpcError(status.UNAUTHENTICATED, 'AUTH_INVALID_TOKEN', 'the agent token is unknown or revoked');
    }
    const time = now();
    if ((lastTouch.get(found.id) ?? -Infinity) < time - 60_000) {
      lastTouch.set(found.id, time);
      tokens.touch(found.id).catch(onTouchError);
    }
    return found;
  };
}
